/**
 * The facts of an API key's life. Plain JSON data, so they serialise, replay and travel to Kafka as
 * they are. None of them carries the key value; only KeyCreated and KeyRotated carry its scrypt hash, which the
 * audit relay leaves out.
 */
import type { StringMap } from './key-metadata.js';

export type KeyScope = 'tenant' | 'user';

export interface KeyCreated {
  type: 'KeyCreated';
  data: {
    tenantId: string;
    keyId: string;
    ownerId: string;
    ownerFirstName: string;
    ownerLastName: string;
    name: string;
    description: string;
    /** Free-form, reserved keys excluded (since schema version 2; older events upcast to `{}`). */
    annotations: StringMap;
    labels: StringMap;
    scope: KeyScope;
    expiresAt: string;
    secretHash: string;
    createdAt: string;
  };
}

export interface FieldChange<T> {
  before: T;
  after: T;
}

export interface KeyChanges {
  name?: FieldChange<string>;
  description?: FieldChange<string>;
  expiresAt?: FieldChange<string>;
  /** The whole map before and after (schema version 2). */
  annotations?: FieldChange<StringMap>;
  labels?: FieldChange<StringMap>;
}

export interface KeyEdited {
  type: 'KeyEdited';
  data: { tenantId: string; keyId: string; ownerId: string; changes: KeyChanges; editedAt: string };
}

/**
 * Why a key was revoked, when it was not its owner's or an admin's own choice. Absent on a plain
 * revoke (and on every KeyRevoked stored before reasons existed). `leaked`: reported
 * through POST /v1/apiKeys/leaked.
 */
export type KeyRevokeReason = 'owner-deactivated' | 'owner-keys-revoked' | 'leaked';

export interface KeyRevoked {
  type: 'KeyRevoked';
  data: { tenantId: string; keyId: string; ownerId: string; revokedAt: string; reason?: KeyRevokeReason };
}

export interface KeyReactivated {
  type: 'KeyReactivated';
  data: { tenantId: string; keyId: string; ownerId: string; reactivatedAt: string };
}

export interface KeyDeleted {
  type: 'KeyDeleted';
  data: { tenantId: string; keyId: string; ownerId: string; deletedAt: string };
}

/** Days before expiry at which a notice is due (expiry-notices.ts); KeyExpired is the notice at expiry itself. */
export type NoticeDays = 30 | 7 | 1;

/** The expiry-notice processor saw the key `daysBefore` days or less from `expiresAt` (for a mailer on the audit topic). */
export interface KeyExpiringSoon {
  type: 'KeyExpiringSoon';
  data: { tenantId: string; keyId: string; ownerId: string; expiresAt: string; daysBefore: NoticeDays; noticedAt: string };
}

/** The expiry-notice processor saw the key past `expiresAt` (the key stopped working then, whether or not this is recorded). */
export interface KeyExpired {
  type: 'KeyExpired';
  data: { tenantId: string; keyId: string; ownerId: string; expiresAt: string; noticedAt: string };
}

/** Someone presented the key's full, valid value to the public leaked-key report; never carries the value. */
export interface KeyLeakReported {
  type: 'KeyLeakReported';
  data: { tenantId: string; keyId: string; ownerId: string; reportedAt: string };
}

/**
 * The key got a new value (same key id). `secretHash` is the new value's scrypt hash, carried as
 * KeyCreated carries its own (the audit relay leaves it out); the value before it stays valid until
 * `graceEndsAt` (equal to `rotatedAt` when there is no grace), and any value before that one stops
 * at once.
 */
export interface KeyRotated {
  type: 'KeyRotated';
  data: { tenantId: string; keyId: string; ownerId: string; secretHash: string; graceEndsAt: string; rotatedAt: string };
}

export type ApiKeyEvent =
  | KeyCreated
  | KeyEdited
  | KeyRevoked
  | KeyReactivated
  | KeyDeleted
  | KeyExpiringSoon
  | KeyExpired
  | KeyLeakReported
  | KeyRotated;
export type ApiKeyEventType = ApiKeyEvent['type'];

/**
 * One entry per event type, so the list below cannot fall behind the union: an event type added to
 * `ApiKeyEvent` does not compile until it is named here (and in every other per-type table).
 */
const EVENT_TYPES: Record<ApiKeyEventType, true> = {
  KeyCreated: true,
  KeyEdited: true,
  KeyRevoked: true,
  KeyReactivated: true,
  KeyDeleted: true,
  KeyExpiringSoon: true,
  KeyExpired: true,
  KeyLeakReported: true,
  KeyRotated: true,
};

export const API_KEY_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly ApiKeyEventType[];

/**
 * Written in each stored event's metadata and bumped when an event's data changes shape; the codec
 * (application/api-key-event.codec.ts) upcasts older versions on read. All stored events are 1 so far.
 */
export const API_KEY_EVENT_SCHEMA_VERSION = 2;

export const API_KEY_STREAM_PREFIX = 'apikey-';
export const apiKeyStreamName = (keyId: string): string => `${API_KEY_STREAM_PREFIX}${keyId}`;

/** True for a type this release knows; the data still needs the codec's checks before it is trusted. */
export const isApiKeyEventType = (type: string): type is ApiKeyEventType => Object.hasOwn(EVENT_TYPES, type);

export const isApiKeyEvent = (event: { type: string }): event is ApiKeyEvent => isApiKeyEventType(event.type);
