/**
 * A tenant's key policy, as facts in the tenant's own stream (`tenant-<tenantId>`). Plain JSON data;
 * nothing here is secret. The actor is in the stored event's metadata, as for key events.
 */

/** What a tenant admin sets. `maxKeyLifetimeDays: null` means no maximum lifetime. */
export interface KeyPolicyValues {
  maxKeyLifetimeDays: number | null;
  maxKeysPerUser: number;
  requireDescription: boolean;
}

export interface TenantKeyPolicySet {
  type: 'TenantKeyPolicySet';
  data: KeyPolicyValues & { tenantId: string; setAt: string };
}

export type TenantPolicyEvent = TenantKeyPolicySet;
export type TenantPolicyEventType = TenantPolicyEvent['type'];

const EVENT_TYPES: Record<TenantPolicyEventType, true> = { TenantKeyPolicySet: true };
export const TENANT_POLICY_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly TenantPolicyEventType[];
export const isTenantPolicyEventType = (type: string): type is TenantPolicyEventType => Object.hasOwn(EVENT_TYPES, type);

export const TENANT_POLICY_EVENT_SCHEMA_VERSION = 1;

export const TENANT_STREAM_PREFIX = 'tenant-';
export const tenantStreamName = (tenantId: string): string => `${TENANT_STREAM_PREFIX}${tenantId}`;
