import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ReadModel } from '../read-model.port.js';
import { listingRow, newCheckpointName, newTenant, verificationRow } from './read-model.fixtures.js';
import { type MakeReadModel, useSubject } from './read-model.subject.js';

/**
 * Two instances try to move the same checkpoint from the same position at once. Each reads first
 * and then holds its transaction open a while, which is what makes a deferred SQLite transaction
 * fail with SQLITE_BUSY_SNAPSHOT and two PostgreSQL transactions contend for the row.
 */
async function raceFrom(instances: readonly ReadModel[], name: string, expected: string | undefined) {
  return Promise.all(
    instances.map((instance, i) =>
      instance.transaction(async (tx) => {
        await tx.getListingRow(`k-${name}`);
        await sleep(25);
        return tx.compareAndSetCheckpoint(name, expected, `position-of-${i}`);
      }),
    ),
  );
}

export function describeCheckpointContract(make: MakeReadModel): void {
  describe('checkpoints and transactions', () => {
    const subject = useSubject(make, 'suite');
    const readModel = () => subject().readModel;

    it('has no checkpoint before the first compare-and-set', async () => {
      expect(await readModel().getCheckpoint(newCheckpointName())).toBeUndefined();
    });

    it('stores a first checkpoint once, when none is expected', async () => {
      const name = newCheckpointName();

      expect(await readModel().transaction((tx) => tx.compareAndSetCheckpoint(name, undefined, '10'))).toBe(true);
      expect(await readModel().transaction((tx) => tx.compareAndSetCheckpoint(name, undefined, '20'))).toBe(false);
      expect(await readModel().getCheckpoint(name)).toBe('10');
    });

    it('moves a checkpoint only from the position it holds', async () => {
      const name = newCheckpointName();
      const cas = (expected: string | undefined, next: string) =>
        readModel().transaction((tx) => tx.compareAndSetCheckpoint(name, expected, next));
      await cas(undefined, '10');

      expect(await cas('10', '20')).toBe(true);
      expect(await readModel().getCheckpoint(name)).toBe('20');
      expect(await cas('10', '30')).toBe(false);
      expect(await readModel().getCheckpoint(name)).toBe('20');
    });

    it('keeps checkpoints of different names apart', async () => {
      const [listing, relay] = [newCheckpointName(), newCheckpointName()];
      await readModel().transaction(async (tx) => {
        await tx.compareAndSetCheckpoint(listing, undefined, '7');
        await tx.compareAndSetCheckpoint(relay, undefined, '3');
      });

      expect([await readModel().getCheckpoint(listing), await readModel().getCheckpoint(relay)]).toEqual(['7', '3']);
    });

    it('does not create a checkpoint when a position is expected but none is stored', async () => {
      const name = newCheckpointName();

      expect(await readModel().transaction((tx) => tx.compareAndSetCheckpoint(name, '5', '9'))).toBe(false);
      expect(await readModel().getCheckpoint(name)).toBeUndefined();
    });

    it('commits the rows and the checkpoint together, returning what the work returned', async () => {
      const tenantId = newTenant();
      const name = newCheckpointName();
      const row = listingRow({ tenantId });
      const verification = verificationRow({ keyId: row.keyId, tenantId });

      const result = await readModel().transaction(async (tx) => {
        await tx.putListingRow(row);
        await tx.putVerificationRow(verification);
        return tx.compareAndSetCheckpoint(name, undefined, '1');
      });

      expect(result).toBe(true);
      expect(await readModel().getKey(tenantId, row.keyId)).toStrictEqual(row);
      expect(await readModel().findVerification(row.keyId)).toStrictEqual(verification);
      expect(await readModel().getCheckpoint(name)).toBe('1');
    });

    it('keeps neither rows nor checkpoint when the work throws after writing', async () => {
      const tenantId = newTenant();
      const name = newCheckpointName();
      const row = listingRow({ tenantId });
      const failure = new Error('projection failed mid-batch');

      const attempt = readModel().transaction(async (tx) => {
        await tx.putListingRow(row);
        await tx.putVerificationRow(verificationRow({ keyId: row.keyId, tenantId }));
        await tx.compareAndSetCheckpoint(name, undefined, '1');
        throw failure;
      });

      await expect(attempt).rejects.toBe(failure);
      expect(await readModel().getKey(tenantId, row.keyId)).toBeUndefined();
      expect(await readModel().findVerification(row.keyId)).toBeUndefined();
      expect(await readModel().getCheckpoint(name)).toBeUndefined();
      expect(await readModel().transaction((tx) => tx.getListingRow(row.keyId))).toBeUndefined();
    });

    it('lets exactly one of two instances move a checkpoint from the same position', async () => {
      const name = newCheckpointName();
      await readModel().transaction((tx) => tx.compareAndSetCheckpoint(name, undefined, 'start'));
      const sibling = await subject().openSibling();
      try {
        const outcomes = await raceFrom([readModel(), sibling], name, 'start');

        expect([...outcomes].sort()).toEqual([false, true]);
        expect(await readModel().getCheckpoint(name)).toBe(`position-of-${outcomes.indexOf(true)}`);
      } finally {
        await sibling.close();
      }
    });

    it('lets exactly one of two instances store the first checkpoint', async () => {
      const name = newCheckpointName();
      const sibling = await subject().openSibling();
      try {
        const outcomes = await raceFrom([readModel(), sibling], name, undefined);

        expect([...outcomes].sort()).toEqual([false, true]);
        expect(await sibling.getCheckpoint(name)).toBe(`position-of-${outcomes.indexOf(true)}`);
      } finally {
        await sibling.close();
      }
    });
  });
}
