import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import type { Caller } from '../../domain/index.js';
import type { SetTenantKeyPolicy, TenantPolicyCommand } from './tenant-policy.commands.js';
import { decideTenantPolicy } from './tenant-policy.decide.js';
import type { KeyPolicyValues, TenantKeyPolicySet, TenantPolicyEvent } from './tenant-policy.events.js';
import { type TenantPolicyState, effectiveKeyLimits, evolveTenantPolicy, initialTenantPolicyState } from './tenant-policy.state.js';

const given = DeciderSpecification.for<TenantPolicyCommand, TenantPolicyEvent, TenantPolicyState>({
  decide: decideTenantPolicy,
  evolve: evolveTenantPolicy,
  initialState: initialTenantPolicyState,
});

const now = new Date('2026-12-03T10:00:00.000Z');
const admin: Caller = { kind: 'user', tenantId: 't1', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const alice: Caller = { kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'jwt' };
const otherTenantAdmin: Caller = { kind: 'user', tenantId: 't2', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const system: Caller = { kind: 'system', tenantId: 't1' };

const strict: KeyPolicyValues = { maxKeyLifetimeDays: 90, maxKeysPerUser: 5, requireDescription: true };
const set = (policy: Partial<KeyPolicyValues> = {}, overrides: Partial<SetTenantKeyPolicy> = {}): SetTenantKeyPolicy => ({
  type: 'SetTenantKeyPolicy',
  caller: admin,
  tenantId: 't1',
  policy: { ...strict, ...policy },
  now,
  ...overrides,
});
const policySet = (policy: Partial<KeyPolicyValues> = {}, setAt = now.toISOString()): TenantKeyPolicySet => ({
  type: 'TenantKeyPolicySet',
  data: { tenantId: 't1', ...strict, ...policy, setAt },
});

describe('SetTenantKeyPolicy', () => {
  it("a tenant admin sets the tenant's first policy", () => given([]).when(set()).then([policySet()]));

  it('the operator (system caller) may set it too', () => given([]).when(set({}, { caller: system })).then([policySet()]));

  it('a tightened policy replaces the previous one whole', () =>
    given([policySet({}, '2026-12-01T00:00:00.000Z')]).when(set({ maxKeyLifetimeDays: 30 })).then([policySet({ maxKeyLifetimeDays: 30 })]));

  it('no maximum lifetime (null) is a policy of its own', () =>
    given([policySet()]).when(set({ maxKeyLifetimeDays: null })).then([policySet({ maxKeyLifetimeDays: null })]));

  it('setting the policy already in force changes nothing (a resend is idempotent)', () =>
    given([policySet()]).when(set()).thenNothingHappened());

  it('the defaults set explicitly are recorded: the tenant then keeps them when the configuration changes', () =>
    given([]).when(set({ maxKeyLifetimeDays: 365, maxKeysPerUser: 20, requireDescription: false })).then([
      policySet({ maxKeyLifetimeDays: 365, maxKeysPerUser: 20, requireDescription: false }),
    ]));

  it('a plain user of the tenant is refused', () => given([]).when(set({}, { caller: alice })).thenThrows('Forbidden'));

  it("another tenant's admin is told the tenant does not exist", () =>
    given([]).when(set({}, { caller: otherTenantAdmin })).thenThrows('ResourceNotFound'));

  it.each([
    ['a lifetime of 0 days', { maxKeyLifetimeDays: 0 }, 'maxKeyLifetimeDays'],
    ['a lifetime over 3650 days', { maxKeyLifetimeDays: 3651 }, 'maxKeyLifetimeDays'],
    ['a fractional lifetime', { maxKeyLifetimeDays: 1.5 }, 'maxKeyLifetimeDays'],
    ['0 keys per user', { maxKeysPerUser: 0 }, 'maxKeysPerUser'],
    ['over 1000 keys per user', { maxKeysPerUser: 1001 }, 'maxKeysPerUser'],
  ] as const)('%s is refused, naming the field', (_, policy, field) =>
    given([]).when(set(policy)).thenThrows('InvalidRequest', (error) => expect((error as unknown as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([field])));

  it('the bounds themselves are allowed', () => {
    given([]).when(set({ maxKeyLifetimeDays: 1, maxKeysPerUser: 1 })).then([policySet({ maxKeyLifetimeDays: 1, maxKeysPerUser: 1 })]);
    given([]).when(set({ maxKeyLifetimeDays: 3650, maxKeysPerUser: 1000 })).then([policySet({ maxKeyLifetimeDays: 3650, maxKeysPerUser: 1000 })]);
  });
});

describe('the effective limits a create or an edit is decided against', () => {
  const defaults = { maxLifetimeDays: 365, maxKeysPerUser: 20 };
  it('are the configured defaults while the tenant has set none (no description required)', () =>
    expect(effectiveKeyLimits(initialTenantPolicyState(), defaults)).toEqual({ maxLifetimeDays: 365, maxKeysPerUser: 20, requireDescription: false }));

  it("are the tenant's own once set, whatever the defaults", () =>
    expect(effectiveKeyLimits([policySet({ maxKeyLifetimeDays: null })].reduce(evolveTenantPolicy, initialTenantPolicyState()), defaults)).toEqual({
      maxLifetimeDays: null,
      maxKeysPerUser: 5,
      requireDescription: true,
    }));
});
