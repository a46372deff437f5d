import type { Caller } from '../../domain/index.js';
import type { KeyPolicyValues } from './tenant-policy.events.js';

export interface SetTenantKeyPolicy {
  type: 'SetTenantKeyPolicy';
  caller: Caller;
  /** The tenant named in the path; only its own admins may set it. */
  tenantId: string;
  /** As the client sent it: checked against POLICY_BOUNDS by decide. */
  policy: KeyPolicyValues;
  now: Date;
}

export type TenantPolicyCommand = SetTenantKeyPolicy;
