import type { JsonObject } from '@keystream/event-store';
import { MalformedEventError, type StoredEvent, decodeApiKeyEvent, isObject } from '../../application/api-key-event.codec.js';
import type { ApiKeyEvent } from '../../domain/index.js';
import { TENANT_POLICY_EVENT_SCHEMA_VERSION, type TenantPolicyEvent, isTenantPolicyEventType } from '../domain/index.js';


const shapeProblem = (data: JsonObject): string | undefined => {
  if (typeof data.tenantId !== 'string' || typeof data.setAt !== 'string') return 'tenantId and setAt must be strings';
  if (data.maxKeyLifetimeDays !== null && !Number.isInteger(data.maxKeyLifetimeDays)) return 'maxKeyLifetimeDays must be an integer or null';
  if (!Number.isInteger(data.maxKeysPerUser)) return 'maxKeysPerUser must be an integer';
  if (typeof data.requireDescription !== 'boolean') return 'requireDescription must be a boolean';
  return undefined;
};

/**
 * The one way in from storage for tenant policy events, like the key codec: undefined for a type
 * this release does not know (readers skip it), MalformedEventError for a known one it cannot read.
 * Version 1 is the only version so far; a change of shape adds an upcaster here.
 */
export const decodeTenantPolicyEvent = (recorded: StoredEvent): TenantPolicyEvent | undefined => {
  const { id, type } = recorded;
  if (!isTenantPolicyEventType(type)) return undefined;
  const version = recorded.metadata.schemaVersion ?? 1;
  if (version !== TENANT_POLICY_EVENT_SCHEMA_VERSION) throw new MalformedEventError(id, type, `schemaVersion ${String(version)} is not one this release reads`);
  if (!isObject(recorded.data)) throw new MalformedEventError(id, type, 'data is not an object');
  const problem = shapeProblem(recorded.data);
  if (problem) throw new MalformedEventError(id, type, problem);
  // Checked field by field just above.
  return { type, data: recorded.data } as unknown as TenantPolicyEvent;
};

/** Every event the audit relay publishes: a key event, else a tenant policy event (what the composition root hands it). */
export const decodeAuditedEvent = (recorded: StoredEvent): ApiKeyEvent | TenantPolicyEvent | undefined =>
  decodeApiKeyEvent(recorded) ?? decodeTenantPolicyEvent(recorded);
