import { type ApiKeyEvent, type TenantPolicyEvent, decodeAuditedEvent, isObject } from '@keystream/api-keys';
import type { EventToAppend, JsonObject, RecordedEvent } from '@keystream/event-store';
import {
  DIRECTORY_USER_EVENT_SCHEMA_VERSION,
  DIRECTORY_USER_STREAM_PREFIX,
  type DirectoryUserEvent,
  type DirectoryUserEventType,
  isDirectoryUserEventType,
} from '../domain/index.js';

export class MalformedDirectoryEventError extends Error {
  constructor(eventId: string, eventType: string, problem: string) {
    super(`Stored event ${eventId} (${eventType}) cannot be read: ${problem}`);
    this.name = 'MalformedDirectoryEventError';
  }
}

const TIME_FIELD: Record<DirectoryUserEventType, string> = {
  DirectoryUserProvisioned: 'provisionedAt',
  DirectoryUserReplaced: 'replacedAt',
  DirectoryUserDeactivated: 'deactivatedAt',
  DirectoryUserReactivated: 'reactivatedAt',
  DirectoryUserAdminGranted: 'grantedAt',
  DirectoryUserAdminRevoked: 'revokedAt',
  DirectoryUserDeleted: 'deletedAt',
};


/**
 * The one way in from storage for directory events: undefined for anything else, a typed event when
 * its shape holds, MalformedDirectoryEventError otherwise (so a processor stops on it rather than skip it).
 */
export function decodeDirectoryUserEvent(recorded: Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata'>): DirectoryUserEvent | undefined {
  const { id, type, data } = recorded;
  if (!isDirectoryUserEventType(type)) return undefined;
  const fail = (problem: string): never => {
    throw new MalformedDirectoryEventError(id, type, problem);
  };
  const version = recorded.metadata.schemaVersion;
  if (version !== DIRECTORY_USER_EVENT_SCHEMA_VERSION) return fail(`schemaVersion ${String(version)} is not one this release reads`);
  if (!isObject(data)) return fail('data is not an object');
  const missing = ['tenantId', 'userId', 'userName', TIME_FIELD[type]].filter((field) => typeof data[field] !== 'string');
  if (missing.length > 0) return fail(`${missing.join(', ')} must be strings`);
  if (type === 'DirectoryUserProvisioned' && typeof data.active !== 'boolean') return fail('active must be a boolean');
  if ((type === 'DirectoryUserProvisioned' || type === 'DirectoryUserReplaced') && !isObject(data.profile)) return fail('profile must be an object');
  return { type, data } as unknown as DirectoryUserEvent;
}

/** A directory event read by a projection: undefined for events of other streams. */
export function decodeDirectoryRecord(recorded: RecordedEvent): { event: DirectoryUserEvent; revision: number } | undefined {
  if (!recorded.streamName.startsWith(DIRECTORY_USER_STREAM_PREFIX)) return undefined;
  const event = decodeDirectoryUserEvent(recorded);
  return event && { event, revision: Number(recorded.revision) };
}

export interface DirectoryEnvelope {
  eventId: string;
  now: Date;
  correlationId: string;
}

/** A decided directory event as stored: the identity provider (over SCIM) is the actor. */
export const toDirectoryEventToAppend = (event: DirectoryUserEvent, { eventId, now, correlationId }: DirectoryEnvelope): EventToAppend => ({
  id: eventId,
  type: event.type,
  data: event.data as unknown as JsonObject,
  metadata: {
    schemaVersion: DIRECTORY_USER_EVENT_SCHEMA_VERSION,
    tenantId: event.data.tenantId,
    actor: { userId: 'scim', via: 'scim' },
    correlationId,
    occurredAt: now.toISOString(),
  },
});

/**
 * What the composition root hands the audit relay: a key or tenant policy event (the api-keys codec),
 * else a directory event; undefined for anything else. A malformed one throws, and the relay retries.
 */
export const decodeRelayedEvent = (recorded: RecordedEvent): ApiKeyEvent | TenantPolicyEvent | DirectoryUserEvent | undefined =>
  decodeAuditedEvent(recorded) ?? decodeDirectoryUserEvent(recorded);
