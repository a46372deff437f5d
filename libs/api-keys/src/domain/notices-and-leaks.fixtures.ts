import type { ApiKeyEvent, KeyCreated, NoticeDays } from './api-key.events.js';
import type { SystemCaller } from './caller.js';

/** Events shared by the expiry-notice and leaked-key specs: one key of tenant t1 expiring on 2027-01-31 at noon. */

export const DAY = 86_400_000;
export const expiry = new Date('2027-01-31T12:00:00.000Z');
export const daysBefore = (days: number, ms = 0) => new Date(expiry.getTime() - days * DAY + ms);
export const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
export const system: SystemCaller = { kind: 'system', tenantId: 't1' };

export const created = (expiresAt = expiry): KeyCreated => ({
  type: 'KeyCreated',
  data: {
    ...ids,
    ownerFirstName: 'Alice',
    ownerLastName: 'Liddell',
    name: 'ci',
    description: '',
    annotations: {},
    labels: {},
    scope: 'user',
    expiresAt: expiresAt.toISOString(),
    secretHash: 'scrypt$hash',
    createdAt: '2026-12-01T12:00:00.000Z',
  },
});

export const expiringSoon = (days: NoticeDays, at: Date, expiresAt = expiry): ApiKeyEvent => ({
  type: 'KeyExpiringSoon',
  data: { ...ids, expiresAt: expiresAt.toISOString(), daysBefore: days, noticedAt: at.toISOString() },
});
export const expired = (at: Date, expiresAt = expiry): ApiKeyEvent => ({
  type: 'KeyExpired',
  data: { ...ids, expiresAt: expiresAt.toISOString(), noticedAt: at.toISOString() },
});
export const revoked = (at: Date): ApiKeyEvent => ({ type: 'KeyRevoked', data: { ...ids, revokedAt: at.toISOString() } });
export const reactivated = (at: Date): ApiKeyEvent => ({ type: 'KeyReactivated', data: { ...ids, reactivatedAt: at.toISOString() } });
export const deleted = (at: Date): ApiKeyEvent => ({ type: 'KeyDeleted', data: { ...ids, deletedAt: at.toISOString() } });
export const expiryMoved = (to: Date, at: Date, from = expiry): ApiKeyEvent => ({
  type: 'KeyEdited',
  data: { ...ids, changes: { expiresAt: { before: from.toISOString(), after: to.toISOString() } }, editedAt: at.toISOString() },
});
