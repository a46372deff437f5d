import type { JsonObject, RecordedEvent } from '@keystream/event-store';
import { API_KEY_EVENT_SCHEMA_VERSION, type ApiKeyEvent, type ApiKeyEventType, type KeyRevokeReason, isApiKeyEventType } from '../domain/index.js';

/**
 * The one way in from storage: a recorded event becomes a typed `ApiKeyEvent` here and nowhere else.
 * It reads the schema version from the metadata, upcasts older versions step by step, and checks
 * the data's shape, so a damaged or foreign event is reported by id instead of being cast and
 * failing later as `undefined` somewhere in a fold.
 */
export class MalformedEventError extends Error {
  constructor(
    readonly eventId: string,
    readonly eventType: string,
    problem: string,
  ) {
    super(`Stored event ${eventId} (${eventType}) cannot be read: ${problem}`);
    this.name = 'MalformedEventError';
  }
}

export type StoredEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata'>;

/** Turns one schema version's data into the next version's. */
export type Upcaster = (data: JsonObject) => JsonObject;

/** Per event type, the upcaster from each older version N to N + 1; a Record, so no type is forgotten. */
export type UpcasterTable = { readonly [T in ApiKeyEventType]: Readonly<Partial<Record<number, Upcaster>>> };

/** Version 1 had no free-form metadata; a key created then has none. */
const noMetadataYet: Upcaster = (data) => ({ ...data, annotations: {}, labels: {} });
const unchanged: Upcaster = (data) => data;

/** From each older version to the next, per type: a change of shape adds its step here, with a fixture test. */
export const API_KEY_EVENT_UPCASTERS: UpcasterTable = {
  KeyCreated: { 1: noMetadataYet },
  // Version 2 only added optional changes (annotations, labels): a version 1 edit reads as it is.
  KeyEdited: { 1: unchanged },
  KeyRevoked: { 1: unchanged },
  KeyReactivated: { 1: unchanged },
  KeyDeleted: { 1: unchanged },
  // Types added at version 2 have no older shape to upcast from.
  KeyExpiringSoon: {},
  KeyExpired: {},
  KeyLeakReported: {},
  KeyRotated: {},
};

/** Events stored before the envelope carried `schemaVersion` have version 1's shape. */
const UNVERSIONED = 1;

type Check = (data: JsonObject) => string | undefined;

const IDS = ['tenantId', 'keyId', 'ownerId'] as const;

const strings =
  (...fields: string[]): Check =>
  (data) => {
    const missing = fields.filter((field) => typeof data[field] !== 'string');
    return missing.length === 0 ? undefined : `${missing.join(', ')} must be strings`;
  };

const both =
  (...checks: Check[]): Check =>
  (data) =>
    checks.map((check) => check(data)).find((problem) => problem !== undefined);

const scope: Check = (data) => (data.scope === 'tenant' || data.scope === 'user' ? undefined : 'scope must be tenant or user');

const isStringMap = (value: unknown): boolean => isObject(value) && Object.values(value).every((entry) => typeof entry === 'string');

const stringMaps =
  (...fields: string[]): Check =>
  (data) => {
    const bad = fields.filter((field) => !isStringMap(data[field]));
    return bad.length === 0 ? undefined : `${bad.join(', ')} must be maps of strings`;
  };

/**
 * Each named change, when present, is `{ before, after }` of strings (of string maps for the
 * metadata maps); unknown names pass (the audit relay drops them).
 */
const changes: Check = (data) => {
  const value = data.changes;
  if (!isObject(value)) return 'changes must be an object';
  const kinds: [string, (v: unknown) => boolean][] = [
    ...['name', 'description', 'expiresAt'].map((field): [string, (v: unknown) => boolean] => [field, (v) => typeof v === 'string']),
    ...['annotations', 'labels'].map((field): [string, (v: unknown) => boolean] => [field, isStringMap]),
  ];
  for (const [field, valid] of kinds) {
    const change = value[field];
    if (change === undefined) continue;
    if (!isObject(change) || !valid(change.before) || !valid(change.after)) return `changes.${field} must have a valid before and after`;
  }
  return undefined;
};

const REVOKE_REASONS: readonly unknown[] = ['owner-deactivated', 'owner-keys-revoked', 'leaked'] satisfies KeyRevokeReason[];
/** Optional; when present, one of the known reasons. */
const revokeReason: Check = (data) =>
  data.reason === undefined || REVOKE_REASONS.includes(data.reason) ? undefined : 'reason must be a known revoke reason';

const oneOf =
  (field: string, allowed: readonly unknown[]): Check =>
  (data) =>
    allowed.includes(data[field]) ? undefined : `${field} must be one of ${allowed.map(String).join(', ')}`;

/** The current version's shape, per type. */
const SHAPES: Record<ApiKeyEventType, Check> = {
  KeyCreated: both(
    strings(...IDS, 'ownerFirstName', 'ownerLastName', 'name', 'description', 'expiresAt', 'secretHash', 'createdAt'),
    stringMaps('annotations', 'labels'),
    scope,
  ),
  KeyEdited: both(strings(...IDS, 'editedAt'), changes),
  KeyRevoked: both(strings(...IDS, 'revokedAt'), revokeReason),
  KeyReactivated: strings(...IDS, 'reactivatedAt'),
  KeyDeleted: strings(...IDS, 'deletedAt'),
  KeyExpiringSoon: both(strings(...IDS, 'expiresAt', 'noticedAt'), oneOf('daysBefore', [30, 7, 1])),
  KeyExpired: strings(...IDS, 'expiresAt', 'noticedAt'),
  KeyLeakReported: strings(...IDS, 'reportedAt'),
  KeyRotated: strings(...IDS, 'secretHash', 'graceEndsAt', 'rotatedAt'),
};

/** A decoder over its own upcaster table (tests hand in one with older versions). */
export const createApiKeyEventCodec =
  (upcasters: UpcasterTable, currentVersion = API_KEY_EVENT_SCHEMA_VERSION) =>
  (recorded: StoredEvent): ApiKeyEvent | undefined => {
    const { id, type } = recorded;
    if (!isApiKeyEventType(type)) return undefined;
    const fail = (problem: string): never => {
      throw new MalformedEventError(id, type, problem);
    };
    const version = recorded.metadata.schemaVersion ?? UNVERSIONED;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return fail(`schemaVersion ${String(version)} is not a version`);
    if (version > currentVersion) return fail(`schemaVersion ${version} is newer than this release reads (${currentVersion})`);
    if (!isObject(recorded.data)) return fail('data is not an object');
    let data: JsonObject = recorded.data;
    for (let from = version; from < currentVersion; from++) {
      const upcast = upcasters[type][from];
      if (!upcast) return fail(`no upcaster from schemaVersion ${from}`);
      data = upcast(data);
    }
    const problem = SHAPES[type](data);
    if (problem) return fail(problem);
    // Checked field by field just above against the current version's shape.
    return { type, data } as ApiKeyEvent;
  };

/**
 * The typed event for a recorded one; undefined for a type this release does not know (readers
 * skip those); throws MalformedEventError for a known type whose data or version cannot be read.
 */
export const decodeApiKeyEvent = createApiKeyEventCodec(API_KEY_EVENT_UPCASTERS);

/** A JSON object (not an array, not null): what event data and metadata must be. Shared by the event codecs. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
