import type { RecordedEvent } from '@keystream/event-store';
// Types only: the audit bus stays free of the api-keys lib's Nest module graph at runtime.
import type { ApiKeyEvent, ApiKeyEventType, KeyChanges, TenantPolicyEvent, TenantPolicyEventType } from '@keystream/api-keys';
// Types only, likewise for the SCIM directory's events.
import type { DirectoryUserEvent, DirectoryUserEventType } from '@keystream/directory';

/**
 * Key events as CloudEvents 1.0, the audit topic's public contract (README, "Audit").
 *
 * The data is built field by field from an allow-list, never by spreading the event: a secret field
 * added to an event later (a hash, a salt, a value) stays out of the audit trail until someone
 * deliberately adds it here. KeyCreated's and KeyRotated's `secretHash` are the ones that exist today.
 */
export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const DEFAULT_AUDIT_SOURCE = '/keystream/api-keys';

/** The streams the relay reads; typed against the api-keys constant, so a rename fails to compile. */
export const AUDITED_STREAM_PREFIX: typeof import('@keystream/api-keys').API_KEY_STREAM_PREFIX = 'apikey-';
/** Tenant streams (the tenant's API key policy), audited too. */
export const AUDITED_TENANT_STREAM_PREFIX: typeof import('@keystream/api-keys').TENANT_STREAM_PREFIX = 'tenant-';

/** The SCIM directory's user streams (provisioning, deactivation, admin group membership), audited too. */
export const AUDITED_DIRECTORY_STREAM_PREFIX: typeof import('@keystream/directory').DIRECTORY_USER_STREAM_PREFIX = 'scim-user-';

/** Every event the relay publishes: the key events, the tenant's own, and the directory's. */
export type AuditedEvent = ApiKeyEvent | TenantPolicyEvent | DirectoryUserEvent;
type AuditedEventType = ApiKeyEventType | TenantPolicyEventType | DirectoryUserEventType;

// A Record over every event type: a new event type does not compile until it has an action here,
// and the list of actions (the audit API's filter values) follows from it.
const ACTIONS = {
  KeyCreated: 'created',
  KeyEdited: 'edited',
  KeyRevoked: 'revoked',
  KeyReactivated: 'reactivated',
  KeyDeleted: 'deleted',
  TenantKeyPolicySet: 'policy-set',
  KeyExpiringSoon: 'expiring-soon',
  KeyExpired: 'expired',
  KeyLeakReported: 'leak-reported',
  KeyRotated: 'rotated',
  DirectoryUserProvisioned: 'user-provisioned',
  DirectoryUserReplaced: 'user-replaced',
  DirectoryUserDeactivated: 'user-deactivated',
  DirectoryUserReactivated: 'user-reactivated',
  DirectoryUserAdminGranted: 'user-admin-granted',
  DirectoryUserAdminRevoked: 'user-admin-revoked',
  DirectoryUserDeleted: 'user-deleted',
} as const satisfies Record<AuditedEventType, string>;

export type AuditAction = (typeof ACTIONS)[AuditedEventType];
export const AUDIT_ACTIONS = Object.values(ACTIONS) as readonly AuditAction[];
/** The directory's actions, published under their own type namespace (`io.keystream.directory.*`). */
export const DIRECTORY_AUDIT_ACTIONS: readonly AuditAction[] = AUDIT_ACTIONS.filter((action) => action.startsWith('user-'));

/**
 * How the relay gets a typed event from a recorded one: the api-keys codec, handed in by the
 * composition root so the audit bus does not load the api-keys lib at runtime. Undefined: not a
 * key event, skipped; a malformed key event throws, and the relay retries rather than drop it.
 */
export type ApiKeyEventDecoder = (recorded: RecordedEvent) => AuditedEvent | undefined;

/**
 * `io.keystream.apikey.<action>.v1` for key and tenant events, `io.keystream.directory.<action>.v1`
 * for the directory's (`io.keystream.directory.user-deactivated.v1`); the version is the data
 * schema's, bumped on a breaking change.
 */
export const auditEventType = (action: AuditAction): string =>
  `io.keystream.${DIRECTORY_AUDIT_ACTIONS.includes(action) ? 'directory' : 'apikey'}.${action}.v1`;

/** `scim`: the tenant's identity provider, over SCIM (the directory's events). */
export type AuditAuthMethod = 'jwt' | 'apiKey' | 'system' | 'scim' | 'unknown';

export interface AuditActor {
  /** The acting user's uid; `system` for the operator CLI. */
  userUid: string;
  /** How the actor authenticated. */
  via: AuditAuthMethod;
  /** The key the actor authenticated with, when `via` is `apiKey` (its uid, never its value). */
  keyUid?: string;
}

export interface AuditFieldChange {
  before: string;
  after: string;
}

export interface AuditMapChange {
  before: Record<string, string>;
  after: Record<string, string>;
}

export interface AuditEventData {
  action: AuditAction;
  tenantUid: string;
  keyUid: string;
  ownerUid: string;
  actor: AuditActor;
  /** The key stream's revision: 0 for `created`, then +1 per event, so readers can check order. */
  revision: number;
  correlationId?: string;
  /** `created` only: the key as issued, without its value or hash (annotations and labels are not secret). */
  key?: { name: string; description: string; scope: string; expiry: string; annotations: Record<string, string>; labels: Record<string, string> };
  /** `policy-set` only: the tenant's API key policy as set (`keyUid` and `ownerUid` are empty: no one key). */
  policy?: { maxKeyLifetimeDays: number | 'none'; maxKeysPerUser: number; requireDescription: boolean };
  /** `revoked` only, when the revocation had a reason (`owner-deactivated`: the identity provider offboarded the owner; `owner-keys-revoked`: an admin revoked all of the owner's keys; `leaked`: after a leak report). */
  reason?: string;
  /** `edited` only: each changed field before and after (the whole map, for annotations and labels). */
  changes?: {
    name?: AuditFieldChange;
    description?: AuditFieldChange;
    expiry?: AuditFieldChange;
    annotations?: AuditMapChange;
    labels?: AuditMapChange;
  };
  /** `expiring-soon` and `expired` only: the expiry noticed, and for `expiring-soon` the notice's days before it. */
  notice?: { expiry: string; daysBefore: number };
  /** `rotated` only: until when the value before the new one keeps working (never the new value or its hash). */
  rotation?: { graceEndsAt: string };
  /**
   * The directory's events only (`user-*`; `keyUid` is then empty and `ownerUid` the user name):
   * the user's SCIM id, user name (the Keystream user uid, owner of their keys), externalId, and
   * for `user-provisioned` whether active, for a rename `user-replaced` the name before. Never the
   * rest of the SCIM profile (names, emails: personal data an append-only chain cannot forget) and
   * never a password or token (no directory event holds one).
   */
  user?: { id: string; userName: string; externalId?: string; active?: boolean; previousUserName?: string };
}

export interface AuditCloudEvent {
  specversion: typeof CLOUD_EVENTS_SPEC_VERSION;
  /** The store's event id: stable across the relay's retries, so consumers dedupe by it. */
  id: string;
  source: string;
  type: string;
  /** The key uid; `tenant/<tenantUid>` for a tenant's event, `tenant/<tenantUid>/user/<SCIM id>` for a directory event. */
  subject: string;
  /** When the command happened (RFC 3339, UTC, milliseconds). */
  time: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the tenant, so consumers can route without parsing the data. */
  tenantid: string;
  data: AuditEventData;
}

export interface CloudEventOptions {
  source?: string;
}

/** The CloudEvent for a key event, decoded from `recorded` by the api-keys codec. */
export function toCloudEvent(recorded: RecordedEvent, event: AuditedEvent, options: CloudEventOptions = {}): AuditCloudEvent {
  const metadata = recorded.metadata;
  const action = ACTIONS[event.type];
  const tenantUid = event.data.tenantId;
  const correlationId = stringOr(metadata.correlationId, undefined);
  const [keyUid, ownerUid] = event.type === 'TenantKeyPolicySet' ? ['', ''] : isDirectoryEvent(event) ? ['', event.data.userName] : [event.data.keyId, event.data.ownerId];
  const data: AuditEventData = {
    action,
    tenantUid,
    keyUid,
    ownerUid,
    actor: toActor(metadata.actor),
    revision: Number(recorded.revision),
    ...(correlationId === undefined ? {} : { correlationId }),
    ...detailsOf(event),
  };
  return {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id: recorded.id,
    source: options.source ?? DEFAULT_AUDIT_SOURCE,
    type: auditEventType(action),
    subject: auditSubject(data),
    time: occurredAt(metadata.occurredAt, recorded.recordedAt),
    datacontenttype: 'application/json',
    tenantid: tenantUid,
    data,
  };
}

/**
 * The key uid; for a tenant's own event (no key) `tenant/<tenantUid>`, since a CloudEvent subject is
 * never empty; for a directory event `tenant/<tenantUid>/user/<SCIM id>`. The SCIM id, not the user
 * name: it is the user's stream and survives a rename, so as the Kafka message key it keeps one
 * user's events on one partition, in order.
 */
export const auditSubject = (data: Pick<AuditEventData, 'keyUid' | 'tenantUid' | 'user'>): string =>
  data.keyUid || (data.user ? `tenant/${data.tenantUid}/user/${data.user.id}` : `tenant/${data.tenantUid}`);

const isDirectoryEvent = (event: AuditedEvent): event is DirectoryUserEvent => event.type.startsWith('DirectoryUser');

function directoryUser(event: DirectoryUserEvent): NonNullable<AuditEventData['user']> {
  const { userId, userName } = event.data;
  const externalId = 'externalId' in event.data && typeof event.data.externalId === 'string' ? event.data.externalId : undefined;
  const previous = event.type === 'DirectoryUserReplaced' ? event.data.previousUserName : undefined;
  return {
    id: String(userId),
    userName: String(userName),
    ...(externalId === undefined ? {} : { externalId }),
    ...(event.type === 'DirectoryUserProvisioned' ? { active: event.data.active === true } : {}),
    ...(typeof previous === 'string' && previous !== userName ? { previousUserName: previous } : {}),
  };
}

function detailsOf(event: AuditedEvent): Pick<AuditEventData, 'key' | 'changes' | 'policy' | 'reason' | 'notice' | 'rotation' | 'user'> {
  if (isDirectoryEvent(event)) return { user: directoryUser(event) };
  switch (event.type) {
    case 'KeyCreated': {
      const { name, description, scope, expiresAt, annotations, labels } = event.data;
      return { key: { name, description, scope, expiry: expiresAt, annotations: stringMap(annotations), labels: stringMap(labels) } };
    }
    case 'KeyEdited':
      return { changes: pickChanges(event.data.changes) };
    case 'KeyRevoked':
      return event.data.reason === undefined ? {} : { reason: event.data.reason };
    case 'KeyReactivated':
    case 'KeyDeleted':
    case 'KeyLeakReported':
      return {};
    case 'TenantKeyPolicySet': {
      const { maxKeyLifetimeDays, maxKeysPerUser, requireDescription } = event.data;
      return { policy: { maxKeyLifetimeDays: maxKeyLifetimeDays ?? 'none', maxKeysPerUser, requireDescription } };
    }
    case 'KeyExpiringSoon':
      return { notice: { expiry: String(event.data.expiresAt), daysBefore: Number(event.data.daysBefore) } };
    case 'KeyExpired':
      return { notice: { expiry: String(event.data.expiresAt), daysBefore: 0 } };
    case 'KeyRotated':
      return { rotation: { graceEndsAt: event.data.graceEndsAt } };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function pickChanges(changes: KeyChanges): NonNullable<AuditEventData['changes']> {
  const picked: NonNullable<AuditEventData['changes']> = {};
  const pick = (change: { before: string; after: string } | undefined) =>
    change && { before: String(change.before), after: String(change.after) };
  if (changes.name) picked.name = pick(changes.name);
  if (changes.description) picked.description = pick(changes.description);
  if (changes.expiresAt) picked.expiry = pick(changes.expiresAt);
  for (const field of ['annotations', 'labels'] as const) {
    const change = changes[field];
    if (change) picked[field] = { before: stringMap(change.before), after: stringMap(change.after) };
  }
  return picked;
}

/** A fresh map of string entries only: the allow-list reaches into maps too. */
const stringMap = (map: Readonly<Record<string, unknown>>): Record<string, string> =>
  Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

const AUTH_METHODS: readonly AuditAuthMethod[] = ['jwt', 'apiKey', 'system', 'scim'];

/** Events written before metadata carried the actor still map, as an `unknown` actor. */
function toActor(actor: unknown): AuditActor {
  const fields = (typeof actor === 'object' && actor !== null ? actor : {}) as Record<string, unknown>;
  const via = AUTH_METHODS.find((method) => method === fields.via) ?? 'unknown';
  const keyUid = via === 'apiKey' ? stringOr(fields.keyId, undefined) : undefined;
  return { userUid: stringOr(fields.userId, 'unknown'), via, ...(keyUid === undefined ? {} : { keyUid }) };
}

function occurredAt(value: unknown, recordedAt: Date): string {
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  return (parsed && !Number.isNaN(parsed.getTime()) ? parsed : recordedAt).toISOString();
}

function stringOr<T extends string | undefined>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}
