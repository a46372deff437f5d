import { type FieldError, ForbiddenError, InvalidRequestError, isTenantAdmin } from '../../domain/index.js';
import type { TenantPolicyCommand } from './tenant-policy.commands.js';
import type { KeyPolicyValues, TenantPolicyEvent } from './tenant-policy.events.js';
import { TenantNotFoundError } from './tenant-policy.errors.js';
import type { TenantPolicyState } from './tenant-policy.state.js';

/** Inclusive bounds of each setting. */
export const POLICY_BOUNDS = {
  maxKeyLifetimeDays: { min: 1, max: 3650 },
  maxKeysPerUser: { min: 1, max: 1000 },
} as const;

export const decideTenantPolicy = (command: TenantPolicyCommand, state: TenantPolicyState): TenantPolicyEvent[] => {
  switch (command.type) {
    case 'SetTenantKeyPolicy': {
      const { caller, tenantId, policy, now } = command;
      if (caller.tenantId !== tenantId) throw new TenantNotFoundError();
      if (!isTenantAdmin(caller)) throw new ForbiddenError("Only a tenant admin can set the tenant's API key policy");
      const problems = policyProblems(policy);
      if (problems.length > 0) throw new InvalidRequestError(problems);
      if (state.status === 'set' && samePolicy(state.policy, policy)) return [];
      const { maxKeyLifetimeDays, maxKeysPerUser, requireDescription } = policy;
      return [{ type: 'TenantKeyPolicySet', data: { tenantId, maxKeyLifetimeDays, maxKeysPerUser, requireDescription, setAt: now.toISOString() } }];
    }
    default: {
      const unknown: never = command.type;
      throw new Error(`Unknown command ${String(unknown)}`);
    }
  }
};

const inRange = (value: unknown, { min, max }: { min: number; max: number }): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Each broken bound, named by field. */
export const policyProblems = (policy: KeyPolicyValues): FieldError[] => {
  const problems: FieldError[] = [];
  const { maxKeyLifetimeDays: lifetime, maxKeysPerUser: keys } = POLICY_BOUNDS;
  if (policy.maxKeyLifetimeDays !== null && !inRange(policy.maxKeyLifetimeDays, lifetime)) {
    problems.push({ field: 'maxKeyLifetimeDays', message: `must be an integer from ${lifetime.min} to ${lifetime.max}, or null for no maximum` });
  }
  if (!inRange(policy.maxKeysPerUser, keys)) problems.push({ field: 'maxKeysPerUser', message: `must be an integer from ${keys.min} to ${keys.max}` });
  if (typeof policy.requireDescription !== 'boolean') problems.push({ field: 'requireDescription', message: 'must be a boolean' });
  return problems;
};

const samePolicy = (a: KeyPolicyValues, b: KeyPolicyValues): boolean =>
  a.maxKeyLifetimeDays === b.maxKeyLifetimeDays && a.maxKeysPerUser === b.maxKeysPerUser && a.requireDescription === b.requireDescription;
