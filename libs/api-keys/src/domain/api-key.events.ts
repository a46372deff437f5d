/**
 * The facts of an API key's life. Plain JSON data, so they serialise, replay and travel to Kafka as
 * they are. None of them carries the key value; only KeyCreated carries its scrypt hash, which the
 * audit relay leaves out.
 */
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
}

export interface KeyEdited {
  type: 'KeyEdited';
  data: { tenantId: string; keyId: string; ownerId: string; changes: KeyChanges; editedAt: string };
}

export interface KeyRevoked {
  type: 'KeyRevoked';
  data: { tenantId: string; keyId: string; ownerId: string; revokedAt: string };
}

export interface KeyReactivated {
  type: 'KeyReactivated';
  data: { tenantId: string; keyId: string; ownerId: string; reactivatedAt: string };
}

export interface KeyDeleted {
  type: 'KeyDeleted';
  data: { tenantId: string; keyId: string; ownerId: string; deletedAt: string };
}

export type ApiKeyEvent = KeyCreated | KeyEdited | KeyRevoked | KeyReactivated | KeyDeleted;
export type ApiKeyEventType = ApiKeyEvent['type'];

export const API_KEY_EVENT_TYPES: readonly ApiKeyEventType[] = [
  'KeyCreated',
  'KeyEdited',
  'KeyRevoked',
  'KeyReactivated',
  'KeyDeleted',
];

/** Bumped when an event's data changes shape; readers would then upcast older versions (all are 1 so far). */
export const API_KEY_EVENT_SCHEMA_VERSION = 1;

export const API_KEY_STREAM_PREFIX = 'apikey-';
export const apiKeyStreamName = (keyId: string): string => `${API_KEY_STREAM_PREFIX}${keyId}`;

export const isApiKeyEvent = (event: { type: string }): event is ApiKeyEvent =>
  (API_KEY_EVENT_TYPES as readonly string[]).includes(event.type);
