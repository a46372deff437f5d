import { describe, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import { decide } from './api-key.decide.js';
import type { ApiKeyEvent } from './api-key.events.js';
import { evolve, initialState } from './api-key.state.js';
import type { ApiKeyCommand, ReportLeakedKey } from './api-key.commands.js';
import { created, daysBefore, deleted, expiry, ids, revoked, system } from './notices-and-leaks.fixtures.js';

const given = DeciderSpecification.for<ApiKeyCommand, ApiKeyEvent, ReturnType<typeof initialState>>({ decide, evolve, initialState });

const now = daysBefore(20);
const report = (at = now, caller = system): ReportLeakedKey => ({ type: 'ReportLeakedKey', caller, keyId: 'k1', now: at });
const leakReported: ApiKeyEvent = { type: 'KeyLeakReported', data: { ...ids, reportedAt: now.toISOString() } };
const revokedAsLeaked: ApiKeyEvent = { type: 'KeyRevoked', data: { ...ids, revokedAt: now.toISOString(), reason: 'leaked' } };

describe('ReportLeakedKey', () => {
  it('records the report and revokes a working key with the reason leaked', () =>
    given([created()]).when(report()).then([leakReported, revokedAsLeaked]));

  it('changes nothing for a key that already does not work: revoked, deleted, expired', () => {
    given([created(), revoked(daysBefore(25))]).when(report()).thenNothingHappened();
    given([created(), leakReported, revokedAsLeaked]).when(report()).thenNothingHappened();
    given([created(), deleted(daysBefore(25))]).when(report()).thenNothingHappened();
    given([created()]).when(report(expiry)).thenNothingHappened();
  });

  it('never re-activates a leaked key, for its owner or an admin', () => {
    const alice = { kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'jwt' } as const;
    const admin = { ...alice, userId: 'root', isTenantAdmin: true } as const;
    for (const caller of [alice, admin]) {
      given([created(), leakReported, revokedAsLeaked]).when({ type: 'ReactivateKey', caller, keyId: 'k1', now }).thenThrows('ApiKeyLeaked');
    }
    // A revocation without a report re-activates as before.
    given([created(), revoked(daysBefore(25))])
      .when({ type: 'ReactivateKey', caller: alice, keyId: 'k1', now })
      .then([{ type: 'KeyReactivated', data: { ...ids, reactivatedAt: now.toISOString() } }]);
  });

  it('ignores an unknown key and a key of another tenant', () => {
    given().when(report()).thenNothingHappened();
    given([created()]).when(report(now, { kind: 'system', tenantId: 't2' })).thenNothingHappened();
  });
});
