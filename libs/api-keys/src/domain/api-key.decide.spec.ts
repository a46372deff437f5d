import { describe, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import type { ApiKeyCommand, CreateKey, DeleteKey, EditKey, KeyLimits, ReactivateKey, RevokeKey } from './api-key.commands.js';
import { decide } from './api-key.decide.js';
import type { ApiKeyEvent, KeyCreated } from './api-key.events.js';
import { evolve, initialState } from './api-key.state.js';
import type { Caller } from './caller.js';

const given = DeciderSpecification.for<ApiKeyCommand, ApiKeyEvent, ReturnType<typeof initialState>>({
  decide,
  evolve,
  initialState,
});

const now = new Date('2026-11-22T10:00:00.000Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);
const limits: KeyLimits = { maxKeysPerUser: 20, maxLifetimeDays: 365 };
const alice: Caller = { kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'jwt' };
const bob: Caller = { kind: 'user', tenantId: 't1', userId: 'bob', isTenantAdmin: false, via: 'jwt' };
const admin: Caller = { kind: 'user', tenantId: 't1', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const otherTenantAdmin: Caller = { kind: 'user', tenantId: 't2', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const system: Caller = { kind: 'system', tenantId: 't1' };

const create = (overrides: Partial<CreateKey> = {}): CreateKey => ({
  type: 'CreateKey',
  caller: alice,
  keyId: 'k1',
  ownerId: 'alice',
  ownerFirstName: 'Alice',
  ownerLastName: 'Liddell',
  name: 'ci',
  description: 'for CI',
  annotations: { team: 'platform' },
  labels: {},
  expiresAt: inDays(30),
  secretHash: 'scrypt$hash',
  ownerKeyCount: 0,
  limits,
  now,
  ...overrides,
});

const created = (data: Partial<KeyCreated['data']> = {}): KeyCreated => ({
  type: 'KeyCreated',
  data: {
    tenantId: 't1',
    keyId: 'k1',
    ownerId: 'alice',
    ownerFirstName: 'Alice',
    ownerLastName: 'Liddell',
    name: 'ci',
    description: 'for CI',
    annotations: { team: 'platform' },
    labels: {},
    scope: 'user',
    expiresAt: inDays(30).toISOString(),
    secretHash: 'scrypt$hash',
    createdAt: now.toISOString(),
    ...data,
  },
});

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
const revoked: ApiKeyEvent = { type: 'KeyRevoked', data: { ...ids, revokedAt: now.toISOString() } };
const deleted: ApiKeyEvent = { type: 'KeyDeleted', data: { ...ids, deletedAt: now.toISOString() } };
const edit = (caller: Caller, change: Partial<Omit<EditKey, 'type' | 'caller'>>): EditKey => ({ type: 'EditKey', caller, keyId: 'k1', limits, now, ...change });
const revoke = (caller: Caller): RevokeKey => ({ type: 'RevokeKey', caller, keyId: 'k1', now });
const reactivate = (caller: Caller): ReactivateKey => ({ type: 'ReactivateKey', caller, keyId: 'k1', now });
const remove = (caller: Caller): DeleteKey => ({ type: 'DeleteKey', caller, keyId: 'k1', now });

describe('CreateKey', () => {
  it('creates a user-scoped key for a plain user', () => given().when(create()).then([created()]));

  it('gives a tenant admin creating for themselves a tenant-scoped key', () =>
    given()
      .when(create({ caller: admin, ownerId: 'root' }))
      .then([created({ ownerId: 'root', scope: 'tenant' })]));

  it('lets a tenant admin create for another user, without admin rights on the key', () =>
    given().when(create({ caller: admin })).then([created()]));

  it('records a system bootstrap as a tenant-scoped key', () =>
    given().when(create({ caller: system })).then([created({ scope: 'tenant' })]));

  it('forbids a plain user to create a key for someone else', () =>
    given().when(create({ caller: bob })).thenThrows('Forbidden'));

  it('refuses an expiry in the past or now', () => {
    given().when(create({ expiresAt: now })).thenThrows('InvalidRequest');
    given().when(create({ expiresAt: inDays(-1) })).thenThrows('InvalidRequest');
  });

  it('refuses an expiry beyond the maximum lifetime, and accepts exactly the maximum', () => {
    given().when(create({ expiresAt: inDays(366) })).thenThrows('InvalidRequest', (e) => {
      if (!e.message.includes('365')) throw new Error(`message should name the limit: ${e.message}`);
    });
    given().when(create({ expiresAt: inDays(365) })).then([created({ expiresAt: inDays(365).toISOString() })]);
  });

  it('refuses a 21st key and allows the 20th', () => {
    given().when(create({ ownerKeyCount: 20 })).thenThrows('ApiKeyLimitReached');
    given().when(create({ ownerKeyCount: 19 })).then([created()]);
  });

  it('refuses to create over an existing key id', () => given([created()]).when(create()).thenThrows('ConcurrencyConflict'));
});

describe('EditKey', () => {
  it('records only the fields that change, with before and after', () =>
    given([created()])
      .when(edit(alice, { name: 'deploy', description: 'for CI' }))
      .then([
        {
          type: 'KeyEdited',
          data: { ...ids, changes: { name: { before: 'ci', after: 'deploy' } }, editedAt: now.toISOString() },
        },
      ]));

  it('replaces the annotations or labels it is given, whole, and keeps the ones it is not given', () =>
    given([created()])
      .when(edit(alice, { annotations: { team: 'sre', oncall: 'yes' } }))
      .then([
        {
          type: 'KeyEdited',
          data: {
            ...ids,
            changes: { annotations: { before: { team: 'platform' }, after: { team: 'sre', oncall: 'yes' } } },
            editedAt: now.toISOString(),
          },
        },
      ]));

  it('records labels set on a key that had none, and nothing for maps that are equal in another order', () => {
    given([created({ annotations: { a: '1', b: '2' } })])
      .when(edit(alice, { annotations: { b: '2', a: '1' }, labels: {} }))
      .thenNothingHappened();
    given([created()])
      .when(edit(alice, { labels: { env: 'prod' } }))
      .then([{ type: 'KeyEdited', data: { ...ids, changes: { labels: { before: {}, after: { env: 'prod' } } }, editedAt: now.toISOString() } }]);
  });

  it('changes the expiry within the limits', () =>
    given([created()])
      .when(edit(alice, { expiresAt: inDays(60) }))
      .then([
        {
          type: 'KeyEdited',
          data: {
            ...ids,
            changes: { expiresAt: { before: inDays(30).toISOString(), after: inDays(60).toISOString() } },
            editedAt: now.toISOString(),
          },
        },
      ]));

  it('refuses a past or too distant expiry', () => {
    given([created()]).when(edit(alice, { expiresAt: inDays(-2) })).thenThrows('InvalidRequest');
    given([created()]).when(edit(alice, { expiresAt: inDays(400) })).thenThrows('InvalidRequest');
  });

  it('does nothing when nothing changes', () =>
    given([created()]).when(edit(alice, { name: 'ci', expiresAt: inDays(30) })).thenNothingHappened());

  it('lets a tenant admin edit any key of the tenant', () =>
    given([created()]).when(edit(admin, { description: 'x' })).then([
      {
        type: 'KeyEdited',
        data: { ...ids, changes: { description: { before: 'for CI', after: 'x' } }, editedAt: now.toISOString() },
      },
    ]));

  it('hides the key from another plain user and from another tenant', () => {
    given([created()]).when(edit(bob, { name: 'x' })).thenThrows('ResourceNotFound');
    given([created()]).when(edit(otherTenantAdmin, { name: 'x' })).thenThrows('ResourceNotFound');
  });

  it('never reassigns a key to another user, not even for an admin', () => {
    given([created()]).when(edit(admin, { ownerId: 'bob' })).thenThrows('ApiKeyOwnerImmutable');
    given([created()]).when(edit(alice, { ownerId: 'alice', name: 'x' })).then([
      { type: 'KeyEdited', data: { ...ids, changes: { name: { before: 'ci', after: 'x' } }, editedAt: now.toISOString() } },
    ]);
  });

  it('cannot edit a key that does not exist or was deleted', () => {
    given().when(edit(alice, { name: 'x' })).thenThrows('ResourceNotFound');
    given([created(), deleted]).when(edit(alice, { name: 'x' })).thenThrows('ResourceNotFound');
  });

  it('edits a revoked key', () =>
    given([created(), revoked]).when(edit(alice, { name: 'x' })).then([
      { type: 'KeyEdited', data: { ...ids, changes: { name: { before: 'ci', after: 'x' } }, editedAt: now.toISOString() } },
    ]));
});

describe('RevokeKey', () => {
  it('revokes an active key', () => given([created()]).when(revoke(alice)).then([revoked]));
  it('is a no-op on a revoked key', () => given([created(), revoked]).when(revoke(alice)).thenNothingHappened());
  it('lets an admin revoke any key of the tenant', () => given([created()]).when(revoke(admin)).then([revoked]));
  it('hides the key from others', () => {
    given([created()]).when(revoke(bob)).thenThrows('ResourceNotFound');
    given([created()]).when(revoke(otherTenantAdmin)).thenThrows('ResourceNotFound');
  });
  it('is not found once deleted', () => given([created(), deleted]).when(revoke(alice)).thenThrows('ResourceNotFound'));
  it('records why when offboarding revokes it (the system, reason owner-deactivated), once', () => {
    const offboarded: ApiKeyEvent = { type: 'KeyRevoked', data: { ...ids, revokedAt: now.toISOString(), reason: 'owner-deactivated' } };
    given([created()]).when({ ...revoke(system), reason: 'owner-deactivated' }).then([offboarded]);
    given([created(), offboarded]).when({ ...revoke(system), reason: 'owner-deactivated' }).thenNothingHappened();
  });
  it("does not let the system reach another tenant's key", () =>
    given([created()]).when({ ...revoke({ kind: 'system', tenantId: 't2' }), reason: 'owner-deactivated' }).thenThrows('ResourceNotFound'));
});

describe('ReactivateKey', () => {
  const reactivated: ApiKeyEvent = { type: 'KeyReactivated', data: { ...ids, reactivatedAt: now.toISOString() } };
  it('re-activates a revoked key', () => given([created(), revoked]).when(reactivate(alice)).then([reactivated]));
  it('is a no-op on an active key', () => given([created()]).when(reactivate(alice)).thenNothingHappened());
  it('refuses once the expiry has passed', () =>
    given([created({ expiresAt: inDays(-1).toISOString() }), revoked])
      .when(reactivate(alice))
      .thenThrows('ApiKeyExpired'));
  it('hides the key from others', () =>
    given([created(), revoked]).when(reactivate(bob)).thenThrows('ResourceNotFound'));
  it('is not found once deleted', () =>
    given([created(), revoked, deleted]).when(reactivate(alice)).thenThrows('ResourceNotFound'));
});

describe('DeleteKey', () => {
  it('deletes an own key, active or revoked', () => {
    given([created()]).when(remove(alice)).then([deleted]);
    given([created(), revoked]).when(remove(alice)).then([deleted]);
  });
  it('lets an admin delete any key of the tenant', () => given([created()]).when(remove(admin)).then([deleted]));
  it('hides the key from others', () => {
    given([created()]).when(remove(bob)).thenThrows('ResourceNotFound');
    given([created()]).when(remove(otherTenantAdmin)).thenThrows('ResourceNotFound');
  });
  it('is not found the second time', () => given([created(), deleted]).when(remove(alice)).thenThrows('ResourceNotFound'));
});
