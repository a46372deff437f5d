import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIALECTS, useViews } from '../testing/view-subjects.js';
import { keyVerificationLookup, keyVerificationRows } from './key-verification.queries.js';
import type { KeyVerificationRow } from './key-verification.row.js';

export const verificationRow = (overrides: Partial<KeyVerificationRow> = {}): KeyVerificationRow => ({
  keyId: randomUUID(),
  tenantId: 't1',
  ownerId: 'u-ada',
  scope: 'tenant',
  secretHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  previousSecretHash: '',
  previousValidUntil: '',
  expiresAt: '2030-01-02T00:00:00.000Z',
  isActive: true,
  deleted: false,
  revision: 0,
  ...overrides,
});

describe.each(DIALECTS)('key verification view (%s)', (dialect) => {
  const readModel = useViews(dialect);
  const lookup = () => keyVerificationLookup(readModel().live);
  const put = (rows: KeyVerificationRow[]) => readModel().transaction((tx) => keyVerificationRows.save(tx.views, rows));

  it('finds a verification row by key id alone, as put and as replaced', async () => {
    const row = verificationRow({ revision: 2 });
    await put([row]);

    expect(await lookup().findVerification(row.keyId)).toStrictEqual(row);
    expect((await readModel().transaction((tx) => keyVerificationRows.load(tx.views, [row.keyId]))).get(row.keyId)).toStrictEqual(row);

    const deleted = { ...row, isActive: false, deleted: true, secretHash: '', revision: 3 };
    await put([deleted]);
    // The request path needs the tombstone to refuse the key, so verification rows are never skipped.
    expect(await lookup().findVerification(row.keyId)).toStrictEqual(deleted);
  });

  it('loads only the rows asked for, and nothing for a key it never stored', async () => {
    const rows = [verificationRow(), verificationRow(), verificationRow()];
    await put(rows);

    const loaded = await readModel().transaction((tx) => keyVerificationRows.load(tx.views, [rows[0]!.keyId, rows[2]!.keyId, 'k-never']));
    expect([...loaded.keys()].sort()).toEqual([rows[0]!.keyId, rows[2]!.keyId].sort());
    expect(await lookup().findVerification('k-never')).toBeUndefined();
  });
});
