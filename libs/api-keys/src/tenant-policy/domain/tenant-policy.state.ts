import type { KeyLimits } from '../../domain/index.js';
import type { KeyPolicyValues, TenantPolicyEvent } from './tenant-policy.events.js';

/** A tenant that never set a policy follows the service defaults (MAX_KEY_LIFETIME_DAYS, MAX_KEYS_PER_USER). */
export type TenantPolicyState = { status: 'default' } | { status: 'set'; policy: KeyPolicyValues; setAt: string };

export const initialTenantPolicyState = (): TenantPolicyState => ({ status: 'default' });

export const evolveTenantPolicy = (state: TenantPolicyState, event: TenantPolicyEvent): TenantPolicyState => {
  switch (event.type) {
    case 'TenantKeyPolicySet': {
      const { maxKeyLifetimeDays, maxKeysPerUser, requireDescription, setAt } = event.data;
      return { status: 'set', policy: { maxKeyLifetimeDays, maxKeysPerUser, requireDescription }, setAt };
    }
    default: {
      const unknown: never = event.type;
      return unknown;
    }
  }
};

/** The service-wide defaults, from configuration. */
export interface DefaultKeyPolicy {
  maxKeysPerUser: number;
  maxLifetimeDays: number;
}

/** The policy in force: the tenant's own once set, else the defaults (which never require a description). */
export const policyValues = (state: TenantPolicyState, defaults: DefaultKeyPolicy): KeyPolicyValues =>
  state.status === 'set'
    ? state.policy
    : { maxKeyLifetimeDays: defaults.maxLifetimeDays, maxKeysPerUser: defaults.maxKeysPerUser, requireDescription: false };

/** The limits a create or an edit is decided against (the input the key decider takes). */
export const effectiveKeyLimits = (state: TenantPolicyState, defaults: DefaultKeyPolicy): KeyLimits => {
  const values = policyValues(state, defaults);
  return { maxLifetimeDays: values.maxKeyLifetimeDays, maxKeysPerUser: values.maxKeysPerUser, requireDescription: values.requireDescription };
};
