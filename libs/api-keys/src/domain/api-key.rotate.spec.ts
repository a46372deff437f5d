import { describe, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import { type ApiKeyCommand, MAX_ROTATION_GRACE_SECONDS, type RotateKey } from './api-key.commands.js';
import { decide } from './api-key.decide.js';
import type { ApiKeyEvent, KeyCreated, KeyRotated } from './api-key.events.js';
import { evolve, initialState } from './api-key.state.js';
import type { Caller } from './caller.js';

const given = DeciderSpecification.for<ApiKeyCommand, ApiKeyEvent, ReturnType<typeof initialState>>({ decide, evolve, initialState });

const now = new Date('2026-11-22T10:00:00.000Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
const DAY = 86_400;
const alice: Caller = { kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'jwt' };
const bob: Caller = { kind: 'user', tenantId: 't1', userId: 'bob', isTenantAdmin: false, via: 'jwt' };
const admin: Caller = { kind: 'user', tenantId: 't1', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const otherTenantAdmin: Caller = { kind: 'user', tenantId: 't2', userId: 'root', isTenantAdmin: true, via: 'jwt' };

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
const created = (expiresAt = later(30 * DAY)): KeyCreated => ({
  type: 'KeyCreated',
  data: {
    ...ids, ownerFirstName: '', ownerLastName: '', name: 'ci', description: '', annotations: {}, labels: {},
    scope: 'user', expiresAt, secretHash: 'scrypt$old', createdAt: later(-DAY),
  },
});
const revoked: ApiKeyEvent = { type: 'KeyRevoked', data: { ...ids, revokedAt: now.toISOString() } };
const deleted: ApiKeyEvent = { type: 'KeyDeleted', data: { ...ids, deletedAt: now.toISOString() } };
const rotate = (graceSeconds: number, caller: Caller = alice): RotateKey => ({ type: 'RotateKey', caller, keyId: 'k1', graceSeconds, secretHash: 'scrypt$new', now });
const rotated = (graceEndsAt: string): KeyRotated => ({
  type: 'KeyRotated',
  data: { ...ids, secretHash: 'scrypt$new', graceEndsAt, rotatedAt: now.toISOString() },
});

describe('RotateKey', () => {
  it('gives the key a new value hash and the old value the grace asked for', () =>
    given([created()]).when(rotate(DAY)).then([rotated(later(DAY))]));

  it('ends the old value at once without a grace', () => given([created()]).when(rotate(0)).then([rotated(now.toISOString())]));

  it('allows up to seven days of grace, and no more', () => {
    given([created()]).when(rotate(MAX_ROTATION_GRACE_SECONDS)).then([rotated(later(7 * DAY))]);
    given([created()]).when(rotate(MAX_ROTATION_GRACE_SECONDS + 1)).thenThrows('InvalidRequest');
  });

  it('refuses a negative or fractional grace', () => {
    given([created()]).when(rotate(-1)).thenThrows('InvalidRequest');
    given([created()]).when(rotate(1.5)).thenThrows('InvalidRequest');
  });

  it('never lets the grace outlast the key: it ends at the expiry', () =>
    given([created(later(3600))]).when(rotate(DAY)).then([rotated(later(3600))]));

  it('rotates again during a grace (the view then drops the older value at once)', () =>
    given([created(), rotated(later(DAY))]).when(rotate(2 * DAY)).then([rotated(later(2 * DAY))]));

  it('lets the owner and a tenant admin rotate, hides the key from everyone else', () => {
    given([created()]).when(rotate(0, admin)).then([rotated(now.toISOString())]);
    given([created()]).when(rotate(0, bob)).thenThrows('ResourceNotFound');
    given([created()]).when(rotate(0, otherTenantAdmin)).thenThrows('ResourceNotFound');
  });

  it('is not found for a deleted key or one that never existed', () => {
    given([created(), deleted]).when(rotate(0)).thenThrows('ResourceNotFound');
    given().when(rotate(0)).thenThrows('ResourceNotFound');
  });

  it('refuses an expired key: its new value would never work', () =>
    given([created(later(-1))]).when(rotate(0)).thenThrows('ApiKeyExpired'));

  it('rotates a revoked key only without a grace, so a leaked value never comes back on re-activation', () => {
    given([created(), revoked]).when(rotate(0)).then([rotated(now.toISOString())]);
    given([created(), revoked]).when(rotate(DAY)).thenThrows('InvalidRequest');
  });

  describe('a key revoked as leaked', () => {
    const leakReported: ApiKeyEvent = { type: 'KeyLeakReported', data: { ...ids, reportedAt: now.toISOString() } };
    const revokedAsLeaked: ApiKeyEvent = { type: 'KeyRevoked', data: { ...ids, revokedAt: now.toISOString(), reason: 'leaked' } };
    const reactivate: ApiKeyCommand = { type: 'ReactivateKey', caller: alice, keyId: 'k1', now };
    const reactivated: ApiKeyEvent = { type: 'KeyReactivated', data: { ...ids, reactivatedAt: now.toISOString() } };

    it('is rotated only without a grace', () => {
      given([created(), leakReported, revokedAsLeaked]).when(rotate(0)).then([rotated(now.toISOString())]);
      given([created(), leakReported, revokedAsLeaked]).when(rotate(DAY)).thenThrows('InvalidRequest');
    });

    it('stays refused re-activation until rotated, then may be re-activated with its new value', () => {
      given([created(), leakReported, revokedAsLeaked]).when(reactivate).thenThrows('ApiKeyLeaked');
      given([created(), leakReported, revokedAsLeaked, rotated(now.toISOString())]).when(reactivate).then([reactivated]);
    });

    it('is revoked again by a report of its new value, and again needs a rotation', () => {
      const history = [created(), leakReported, revokedAsLeaked, rotated(now.toISOString()), reactivated];
      given(history).when({ type: 'ReportLeakedKey', caller: { kind: 'system', tenantId: 't1' }, keyId: 'k1', now }).then([leakReported, revokedAsLeaked]);
      given([...history, leakReported, revokedAsLeaked]).when(reactivate).thenThrows('ApiKeyLeaked');
    });
  });
});
