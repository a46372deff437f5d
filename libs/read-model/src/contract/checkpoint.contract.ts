import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ReadModel } from '../read-model.port.js';
import { noteIds, notesIn, putNotes } from './notes.view.js';
import { newCheckpointName, newTenant, note } from './read-model.fixtures.js';
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
        await notesIn(tx, [`k-${name}`]);
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
      const rows = [note({ tenantId }), note({ tenantId })];

      const result = await readModel().transaction(async (tx) => {
        await putNotes(tx.views, rows);
        return tx.compareAndSetCheckpoint(name, undefined, '1');
      });

      expect(result).toBe(true);
      expect(await noteIds(readModel(), tenantId)).toEqual(rows.map((row) => row.id).sort());
      expect(await readModel().transaction((tx) => notesIn(tx, [rows[0]!.id]))).toStrictEqual([rows[0]]);
      expect(await readModel().getCheckpoint(name)).toBe('1');
    });

    it('keeps neither rows nor checkpoint when the work throws after writing', async () => {
      const tenantId = newTenant();
      const name = newCheckpointName();
      const row = note({ tenantId });
      const failure = new Error('projection failed mid-batch');

      const attempt = readModel().transaction(async (tx) => {
        await putNotes(tx.views, [row]);
        await tx.compareAndSetCheckpoint(name, undefined, '1');
        throw failure;
      });

      await expect(attempt).rejects.toBe(failure);
      expect(await noteIds(readModel(), tenantId)).toEqual([]);
      expect(await readModel().getCheckpoint(name)).toBeUndefined();
      expect(await readModel().transaction((tx) => notesIn(tx, [row.id]))).toEqual([]);
    });

    it('replaces a row upserted again under the same key, and loads many by key in one call', async () => {
      const tenantId = newTenant();
      const [first, second] = [note({ tenantId, text: 'one' }), note({ tenantId, text: 'two' })];
      await readModel().transaction((tx) => putNotes(tx.views, [first!, second!]));
      const edited = { ...first!, text: 'edited' };
      await readModel().transaction((tx) => putNotes(tx.views, [edited]));

      const loaded = await readModel().transaction((tx) => notesIn(tx, [first!.id, second!.id, 'never-stored']));
      expect(loaded).toStrictEqual([edited, second].sort((a, b) => a!.id.localeCompare(b!.id)));
    });

    it('writes and loads more rows than one statement may bind', async () => {
      const tenantId = newTenant();
      const many = Array.from({ length: 12_000 }, (_, i) => note({ tenantId, id: `${tenantId}-${String(i).padStart(5, '0')}` }));
      await readModel().transaction((tx) => putNotes(tx.views, many));

      expect(await noteIds(readModel(), tenantId)).toHaveLength(many.length);
      expect(await readModel().transaction((tx) => notesIn(tx, many.map((row) => row.id)))).toHaveLength(many.length);
    });

    it('records a view’s version once, keeping the first', async () => {
      const name = newCheckpointName();
      await readModel().adoptVersions([{ name, version: 2 }]);
      await readModel().adoptVersions([{ name, version: 3 }]);

      expect((await readModel().appliedVersions()).get(name)).toBe(2);
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
