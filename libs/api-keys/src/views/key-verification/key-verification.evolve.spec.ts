import { describe, expect, it } from 'vitest';
import type { ApiKeyEvent } from '../../domain/index.js';
import { evolveVerification } from './key-verification.evolve.js';
import type { KeyVerificationRow } from './key-verification.row.js';

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
const created: ApiKeyEvent = {
  type: 'KeyCreated',
  data: {
    ...ids, ownerFirstName: '', ownerLastName: '', name: 'ci', description: '', annotations: {}, labels: {},
    scope: 'user', expiresAt: '2027-01-01T00:00:00.000Z', secretHash: 'hash-1', createdAt: '2026-11-22T10:00:00.000Z',
  },
};
const rotated = (secretHash: string, graceEndsAt: string): ApiKeyEvent => ({
  type: 'KeyRotated',
  data: { ...ids, secretHash, graceEndsAt, rotatedAt: '2026-11-23T10:00:00.000Z' },
});
const fold = (events: ApiKeyEvent[]): KeyVerificationRow | undefined =>
  events.reduce<KeyVerificationRow | undefined>((row, event, revision) => evolveVerification(row, event, revision), undefined);

describe('key verification evolve: rotation', () => {
  it('holds the new hash as current and the replaced one with its grace end', () => {
    expect(fold([created, rotated('hash-2', '2026-11-24T10:00:00.000Z')])).toMatchObject({
      secretHash: 'hash-2',
      previousSecretHash: 'hash-1',
      previousValidUntil: '2026-11-24T10:00:00.000Z',
      revision: 1,
    });
  });

  it('keeps two values at most: a rotation during a grace drops the oldest at once', () => {
    const row = fold([created, rotated('hash-2', '2026-11-30T10:00:00.000Z'), rotated('hash-3', '2026-11-24T10:00:00.000Z')]);
    expect(row).toMatchObject({ secretHash: 'hash-3', previousSecretHash: 'hash-2', previousValidUntil: '2026-11-24T10:00:00.000Z' });
    expect(JSON.stringify(row)).not.toContain('hash-1');
  });

  it('forgets every hash once the key is deleted', () => {
    const row = fold([created, rotated('hash-2', '2026-11-24T10:00:00.000Z'), { type: 'KeyDeleted', data: { ...ids, deletedAt: '2026-11-23T11:00:00.000Z' } }]);
    expect(row).toMatchObject({ secretHash: '', previousSecretHash: '', previousValidUntil: '', deleted: true });
  });
});
