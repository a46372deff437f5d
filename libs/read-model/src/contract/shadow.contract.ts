import { describe, expect, it } from 'vitest';
import type { ReadModel, ShadowViews } from '../read-model.port.js';
import { NOTES_VIEW, type Note, noteIds, putNotes } from './notes.view.js';
import { newTenant, note } from './read-model.fixtures.js';
import { type MakeReadModel, useSubject } from './read-model.subject.js';

const VIEW = NOTES_VIEW.name;
const RELAY = 'audit-relay';
const v = (version: number) => [{ name: VIEW, version }];

/** Positions in these tests are plain numbers; a missing shadow checkpoint is behind any live one. */
const ahead = (live: string, shadow: string | undefined) => shadow === undefined || Number(live) > Number(shadow);

async function seed(target: ReadModel | ShadowViews, rows: readonly Note[], checkpoints: Record<string, string>, previous?: string) {
  await target.transaction(async (tx) => {
    await putNotes(tx.views, rows);
    for (const [name, position] of Object.entries(checkpoints)) await tx.compareAndSetCheckpoint(name, previous, position);
  });
}

const shadowIds = async (shadow: ShadowViews, ids: readonly string[]) =>
  shadow.transaction(async (tx) => (await tx.views.db.selectFrom(tx.views.table('contract_notes')).select('id').where('id', 'in', [...ids, '-']).execute()).map((row) => String(row.id)));

export function describeShadowContract(make: MakeReadModel): void {
  describe('shadow rebuild', () => {
    // A swap replaces every live row, so each test gets a read model of its own.
    const subject = useSubject(make, 'test');
    const live = () => subject().readModel;
    const tenantId = newTenant();
    const rows = (count: number) => Array.from({ length: count }, () => note({ tenantId }));
    const ids = (notes: readonly Note[]) => notes.map((row) => row.id).sort();

    it('opens over empty tables of its own, and its writes stay out of the live view', async () => {
      const [liveRow] = rows(1);
      await seed(live(), [liveRow!], { [VIEW]: '40' });

      const shadow = await live().openShadow([VIEW]);

      expect(await shadowIds(shadow, [liveRow!.id])).toEqual([]);
      expect(await shadow.getCheckpoint(VIEW)).toBeUndefined();
      const [shadowRow] = rows(1);
      await seed(shadow, [shadowRow!], { [VIEW]: '3' });
      expect(await noteIds(live(), tenantId)).toEqual([liveRow!.id]);
      expect(await live().getCheckpoint(VIEW)).toBe('40');
      expect(await shadowIds(shadow, [shadowRow!.id])).toEqual([shadowRow!.id]);
    });

    it('swaps in the shadow’s rows, its checkpoint and its version, keeping the other checkpoints', async () => {
      await seed(live(), rows(3), { [VIEW]: '40', [RELAY]: '38' });
      await live().adoptVersions(v(1));
      const shadow = await live().openShadow([VIEW]);
      const rebuilt = rows(2);
      await seed(shadow, rebuilt, { [VIEW]: '41', [RELAY]: '0' });

      expect(await live().swapInShadow(v(2), ahead)).toBe(true);

      expect(await noteIds(live(), tenantId)).toEqual(ids(rebuilt));
      expect(await live().getCheckpoint(VIEW)).toBe('41');
      expect((await live().appliedVersions()).get(VIEW)).toBe(2);
      // The relay's side effects must never be re-driven by a rebuild (STYLE habit 9).
      expect(await live().getCheckpoint(RELAY)).toBe('38');
    });

    it('refuses, changing nothing, while a live checkpoint is ahead of the shadow’s', async () => {
      const before = rows(2);
      await seed(live(), before, { [VIEW]: '40' });
      await live().adoptVersions(v(1));
      const shadow = await live().openShadow([VIEW]);
      await seed(shadow, rows(1), { [VIEW]: '39' });

      expect(await live().swapInShadow(v(2), ahead)).toBe(false);

      expect(await noteIds(live(), tenantId)).toEqual(ids(before));
      expect(await live().getCheckpoint(VIEW)).toBe('40');
      expect((await live().appliedVersions()).get(VIEW)).toBe(1);
      // The shadow is kept, to be caught up and offered again.
      await seed(shadow, [], { [VIEW]: '40' }, '39');
      expect(await live().swapInShadow(v(2), ahead)).toBe(true);
      expect(await live().getCheckpoint(VIEW)).toBe('40');
    });

    it('opens again, empty, after a swap', async () => {
      const first = await live().openShadow([VIEW]);
      const rebuilt = rows(2);
      await seed(first, rebuilt, { [VIEW]: '9' });
      await live().swapInShadow(v(1), ahead);

      const second = await live().openShadow([VIEW]);

      expect(await shadowIds(second, ids(rebuilt))).toEqual([]);
      expect(await second.getCheckpoint(VIEW)).toBeUndefined();
      expect(await noteIds(live(), tenantId)).toEqual(ids(rebuilt));
    });

    it('starts afresh over a shadow left by an unfinished rebuild', async () => {
      const abandoned = await live().openShadow([VIEW]);
      const left = rows(2);
      await seed(abandoned, left, { [VIEW]: '5' });

      const fresh = await live().openShadow([VIEW]);

      expect(await shadowIds(fresh, ids(left))).toEqual([]);
      expect(await fresh.getCheckpoint(VIEW)).toBeUndefined();
    });

    it('refuses a view it does not know, and leaves the live view untouched when the swap fails', async () => {
      const before = rows(3);
      await seed(live(), before, { [VIEW]: '40' });

      await expect(live().openShadow(['no-such-view'])).rejects.toThrow(/no-such-view/);
      // No shadow is open, so the swap fails inside its transaction.
      await expect(live().swapInShadow(v(1), ahead)).rejects.toThrow();

      expect(await noteIds(live(), tenantId)).toEqual(ids(before));
      expect(await live().getCheckpoint(VIEW)).toBe('40');
    });

    it('shows another reader the old rows or the new ones during the swap, never a mix', async () => {
      const before = rows(6);
      await seed(live(), before, { [VIEW]: '40' });
      const shadow = await live().openShadow([VIEW]);
      const rebuilt = rows(4);
      await seed(shadow, rebuilt, { [VIEW]: '41' });
      const reader = await subject().openSibling();
      try {
        let done = false;
        const swap = live()
          .swapInShadow(v(1), ahead)
          .finally(() => (done = true));
        const seen: string[][] = [];
        while (!done) seen.push(await noteIds(reader, tenantId));
        await swap;
        seen.push(await noteIds(reader, tenantId));

        for (const view of seen) expect([ids(before), ids(rebuilt)]).toContainEqual(view);
        expect(seen.at(-1)).toEqual(ids(rebuilt));
      } finally {
        await reader.close();
      }
    });
  });
}
