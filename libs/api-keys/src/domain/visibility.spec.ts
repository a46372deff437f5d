import { describe, expect, it } from 'vitest';
import type { CreateKey, EditKey, KeyLimits } from './api-key.commands.js';
import { checkCreateRequest, decide } from './api-key.decide.js';
import type { ApiKeyEvent } from './api-key.events.js';
import { type ApiKeyState, evolve, initialState } from './api-key.state.js';
import type { Caller, UserCaller } from './caller.js';
import { canSee, visibleOwners } from './visibility.js';

// One describe per row of "Who may do what" (shared/API-CONTRACT.md), each for a tenant admin and a
// plain user; "✅ own" rows also check another user's key and another tenant's key (404: not seen).

const now = new Date('2026-11-22T10:00:00.000Z');
const limits: KeyLimits = { maxKeysPerUser: 20, maxLifetimeDays: 365 };
const user = (userId: string, isTenantAdmin: boolean, tenantId = 't1'): UserCaller => ({ kind: 'user', tenantId, userId, isTenantAdmin, via: 'jwt' });
const admin = user('root', true);
const alice = user('alice', false);
const bob = user('bob', false);
const otherTenantAdmin = user('root', true, 't2');

const alicesKey = { tenantId: 't1', ownerId: 'alice' };
const created: ApiKeyEvent = {
  type: 'KeyCreated',
  data: {
    ...alicesKey,
    keyId: 'k1',
    ownerFirstName: 'Alice',
    ownerLastName: 'Liddell',
    name: 'ci',
    description: '',
    annotations: {},
    labels: {},
    scope: 'user',
    expiresAt: '2027-01-01T00:00:00.000Z',
    secretHash: 'scrypt$hash',
    createdAt: now.toISOString(),
  },
};
const revoked: ApiKeyEvent = { type: 'KeyRevoked', data: { ...alicesKey, keyId: 'k1', revokedAt: now.toISOString() } };
const stateOf = (...events: ApiKeyEvent[]): ApiKeyState => events.reduce(evolve, initialState());

/** What the decider answers a caller: the event types it decided, or the error code it threw. */
const outcome = (run: () => ApiKeyEvent[]): string => {
  try {
    return run().map((event) => event.type).join(',') || 'no-op';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

const editBy = (caller: Caller, change: Partial<EditKey> = { name: 'renamed' }): EditKey => ({ type: 'EditKey', caller, keyId: 'k1', limits, now, ...change });
const createFor = (caller: Caller, ownerId: string): Pick<CreateKey, 'caller' | 'ownerId' | 'expiresAt' | 'now' | 'limits'> => ({
  caller,
  ownerId,
  expiresAt: new Date('2027-01-01T00:00:00.000Z'),
  now,
  limits,
});

describe('list all keys in the tenant', () => {
  it('a tenant admin lists every owner, or any one owner', () => {
    expect(visibleOwners(admin)).toEqual({});
    expect(visibleOwners(admin, 'bob')).toEqual({ ownerId: 'bob' });
  });
  it('a user lists only their own keys, and nothing when asking for another owner', () => {
    expect(visibleOwners(alice)).toEqual({ ownerId: 'alice' });
    expect(visibleOwners(alice, 'alice')).toEqual({ ownerId: 'alice' });
    expect(visibleOwners(alice, 'bob')).toBeUndefined();
  });
});

describe('create own key', () => {
  it('a tenant admin and a user may', () => {
    expect(() => checkCreateRequest(createFor(admin, 'root'))).not.toThrow();
    expect(() => checkCreateRequest(createFor(alice, 'alice'))).not.toThrow();
  });
});

describe('create for another user of the tenant', () => {
  it('a tenant admin may; a user is refused with 403', () => {
    expect(() => checkCreateRequest(createFor(admin, 'alice'))).not.toThrow();
    expect(() => checkCreateRequest(createFor(bob, 'alice'))).toThrow(expect.objectContaining({ code: 'Forbidden' }));
  });
});

describe('see a key (get)', () => {
  it('a tenant admin sees any key of the tenant, a user only their own, nobody another tenant’s', () => {
    expect(canSee(admin, alicesKey)).toBe(true);
    expect(canSee(alice, alicesKey)).toBe(true);
    expect(canSee(bob, alicesKey)).toBe(false);
    expect(canSee(otherTenantAdmin, alicesKey)).toBe(false);
    expect(canSee({ kind: 'system', tenantId: 't1' }, alicesKey)).toBe(true);
  });
});

describe('edit (name, description, expiry)', () => {
  it('a tenant admin edits any key in the tenant, a user their own; others get 404', () => {
    expect(outcome(() => decide(editBy(admin), stateOf(created)))).toBe('KeyEdited');
    expect(outcome(() => decide(editBy(alice), stateOf(created)))).toBe('KeyEdited');
    expect(outcome(() => decide(editBy(bob), stateOf(created)))).toBe('ResourceNotFound');
    expect(outcome(() => decide(editBy(otherTenantAdmin), stateOf(created)))).toBe('ResourceNotFound');
  });
});

describe('revoke / re-activate', () => {
  it('a tenant admin on any key in the tenant, a user on their own; others get 404', () => {
    for (const caller of [admin, alice]) {
      expect(outcome(() => decide({ type: 'RevokeKey', caller, keyId: 'k1', now }, stateOf(created)))).toBe('KeyRevoked');
      expect(outcome(() => decide({ type: 'ReactivateKey', caller, keyId: 'k1', now }, stateOf(created, revoked)))).toBe('KeyReactivated');
    }
    for (const caller of [bob, otherTenantAdmin]) {
      expect(outcome(() => decide({ type: 'RevokeKey', caller, keyId: 'k1', now }, stateOf(created)))).toBe('ResourceNotFound');
      expect(outcome(() => decide({ type: 'ReactivateKey', caller, keyId: 'k1', now }, stateOf(created, revoked)))).toBe('ResourceNotFound');
    }
  });
});

describe('delete', () => {
  it('a tenant admin deletes any key in the tenant, a user their own; others get 404', () => {
    const deleteBy = (caller: Caller) => outcome(() => decide({ type: 'DeleteKey', caller, keyId: 'k1', now }, stateOf(created)));
    expect([admin, alice, bob, otherTenantAdmin].map(deleteBy)).toEqual(['KeyDeleted', 'KeyDeleted', 'ResourceNotFound', 'ResourceNotFound']);
  });
});

describe('reassign to another user', () => {
  it('nobody may, not even a tenant admin', () => {
    expect(outcome(() => decide(editBy(admin, { ownerId: 'bob' }), stateOf(created)))).toBe('ApiKeyOwnerImmutable');
    expect(outcome(() => decide(editBy(alice, { ownerId: 'bob' }), stateOf(created)))).toBe('ApiKeyOwnerImmutable');
  });
});

describe('view the key value after creation', () => {
  // The value exists only in the create response; events hold its hash, and the key's state, which
  // every later decision (and so every later answer) is made from, does not even keep that.
  it('nobody can: the key a decision sees holds neither the value nor its hash', () => {
    expect(Object.keys(stateOf(created))).not.toContain('secretHash');
    expect(JSON.stringify(stateOf(created))).not.toContain('scrypt$hash');
  });
});
