import { describe, expect, it } from 'vitest';
import type { KeyListingRow, ReadModel } from '../read-model.port.js';
import { at, listingRow, newTenant, putListingRows, verificationRow } from './read-model.fixtures.js';
import { type MakeReadModel, useSubject } from './read-model.subject.js';

const REBUILT = 'key-listing-v2';
const RELAY = 'audit-relay';

async function keyIds(readModel: ReadModel, tenantId: string): Promise<string[]> {
  const page = await readModel.listKeys({ tenantId, limit: 100 });
  return page.rows.map((row) => row.keyId).sort();
}

/** Positions in these tests are plain numbers; a missing shadow checkpoint is behind any live one. */
const ahead = (live: string, shadow: string | undefined) => shadow === undefined || Number(live) > Number(shadow);

async function seed(
  readModel: ReadModel,
  rows: readonly KeyListingRow[],
  checkpoints: Record<string, string>,
  previous?: string,
) {
  await readModel.transaction(async (tx) => {
    for (const row of rows) {
      await tx.putListingRow(row);
      await tx.putVerificationRow(verificationRow({ keyId: row.keyId, tenantId: row.tenantId }));
    }
    for (const [name, position] of Object.entries(checkpoints)) {
      await tx.compareAndSetCheckpoint(name, previous, position);
    }
  });
}

export function describeShadowContract(make: MakeReadModel): void {
  describe('shadow rebuild', () => {
    // A swap replaces every live row, so each test gets a read model of its own.
    const subject = useSubject(make, 'test');
    const live = () => subject().readModel;
    const tenantId = newTenant();
    const rows = (count: number, from = 0) =>
      Array.from({ length: count }, (_, i) => listingRow({ tenantId, createdAt: at(from + i) }));

    it('opens over empty tables of its own, and its writes stay out of the live view', async () => {
      const [liveRow] = rows(1);
      await seed(live(), [liveRow!], { [REBUILT]: '40' });

      const shadow = await live().openShadow();

      expect(await keyIds(shadow, tenantId)).toEqual([]);
      expect(await shadow.findVerification(liveRow!.keyId)).toBeUndefined();
      expect(await shadow.getCheckpoint(REBUILT)).toBeUndefined();
      const [shadowRow] = rows(1, 10);
      await seed(shadow, [shadowRow!], { [REBUILT]: '3' });
      expect(await keyIds(live(), tenantId)).toEqual([liveRow!.keyId]);
      expect(await live().findVerification(shadowRow!.keyId)).toBeUndefined();
      expect(await live().getCheckpoint(REBUILT)).toBe('40');
      expect(await keyIds(shadow, tenantId)).toEqual([shadowRow!.keyId]);
    });

    it('swaps in the shadow’s rows and named checkpoints, keeping the other checkpoints', async () => {
      const before = rows(3);
      await seed(live(), before, { [REBUILT]: '40', [RELAY]: '38' });
      const shadow = await live().openShadow();
      const rebuilt = rows(2, 10);
      await seed(shadow, rebuilt, { [REBUILT]: '41', [RELAY]: '0' });

      await live().swapInShadow([REBUILT], ahead);

      expect(await keyIds(live(), tenantId)).toEqual(rebuilt.map((row) => row.keyId).sort());
      expect(await live().getKey(tenantId, rebuilt[0]!.keyId)).toStrictEqual(rebuilt[0]);
      expect(await live().getKey(tenantId, before[0]!.keyId)).toBeUndefined();
      expect(await live().findVerification(before[0]!.keyId)).toBeUndefined();
      expect(await live().findVerification(rebuilt[0]!.keyId)).toMatchObject({ keyId: rebuilt[0]!.keyId });
      expect(await live().getCheckpoint(REBUILT)).toBe('41');
      // The relay's side effects must never be re-driven by a rebuild (STYLE habit 9).
      expect(await live().getCheckpoint(RELAY)).toBe('38');
    });

    it('refuses, changing nothing, while a live checkpoint is ahead of the shadow’s', async () => {
      const before = rows(2);
      await seed(live(), before, { [REBUILT]: '40' });
      const shadow = await live().openShadow();
      await seed(shadow, rows(1, 10), { [REBUILT]: '39' });

      expect(await live().swapInShadow([REBUILT], ahead)).toBe(false);

      expect(await keyIds(live(), tenantId)).toEqual(before.map((row) => row.keyId).sort());
      expect(await live().getCheckpoint(REBUILT)).toBe('40');
      // The shadow is kept, to be caught up and offered again.
      await seed(shadow, [], { [REBUILT]: '40' }, '39');
      expect(await live().swapInShadow([REBUILT], ahead)).toBe(true);
      expect(await live().getCheckpoint(REBUILT)).toBe('40');
    });

    it('opens again, empty, after a swap', async () => {
      const first = await live().openShadow();
      const rebuilt = rows(2);
      await seed(first, rebuilt, { [REBUILT]: '9' });
      await live().swapInShadow([REBUILT], ahead);

      const second = await live().openShadow();

      expect(await keyIds(second, tenantId)).toEqual([]);
      expect(await second.getCheckpoint(REBUILT)).toBeUndefined();
      expect(await keyIds(live(), tenantId)).toEqual(rebuilt.map((row) => row.keyId).sort());
    });

    it('starts afresh over a shadow left by an unfinished rebuild', async () => {
      const abandoned = await live().openShadow();
      await seed(abandoned, rows(2), { [REBUILT]: '5' });

      const fresh = await live().openShadow();

      expect(await keyIds(fresh, tenantId)).toEqual([]);
      expect(await fresh.getCheckpoint(REBUILT)).toBeUndefined();
    });

    it('leaves the live view untouched when the swap fails', async () => {
      const before = rows(3);
      await seed(live(), before, { [REBUILT]: '40' });

      // No shadow is open, so the copy fails after the live rows were already deleted.
      await expect(live().swapInShadow([REBUILT], ahead)).rejects.toThrow();

      expect(await keyIds(live(), tenantId)).toEqual(before.map((row) => row.keyId).sort());
      expect(await live().getCheckpoint(REBUILT)).toBe('40');
    });

    it('shows another reader the old rows or the new ones during the swap, never a mix', async () => {
      const before = rows(6);
      await seed(live(), before, { [REBUILT]: '40' });
      const shadow = await live().openShadow();
      const rebuilt = rows(4, 20);
      await seed(shadow, rebuilt, { [REBUILT]: '41' });
      const oldView = before.map((row) => row.keyId).sort();
      const newView = rebuilt.map((row) => row.keyId).sort();
      const reader = await subject().openSibling();
      try {
        let done = false;
        const swap = live()
          .swapInShadow([REBUILT], ahead)
          .finally(() => (done = true));
        const seen: string[][] = [];
        while (!done) seen.push(await keyIds(reader, tenantId));
        await swap;
        seen.push(await keyIds(reader, tenantId));

        for (const view of seen) expect([oldView, newView]).toContainEqual(view);
        expect(seen.at(-1)).toEqual(newView);
      } finally {
        await reader.close();
      }
    });
  });
}
