import { describe, expect, it } from 'vitest';
import { at, listingRow, newTenant, putListingRows, verificationRow } from './read-model.fixtures.js';
import { type MakeReadModel, useSubject } from './read-model.subject.js';

export function describeListingContract(make: MakeReadModel): void {
  describe('listing and verification rows', () => {
    const subject = useSubject(make, 'suite');
    const readModel = () => subject().readModel;

    it('reads a listing row back exactly as it was put, by tenant and key id', async () => {
      const tenantId = newTenant();
      const row = listingRow({ tenantId, scope: 'tenant', isActive: false, revision: 7 });
      await putListingRows(readModel(), [row]);

      expect(await readModel().getKey(tenantId, row.keyId)).toStrictEqual(row);
    });

    it('replaces the row put again under the same key id', async () => {
      const tenantId = newTenant();
      const first = listingRow({ tenantId, revision: 0 });
      const edited = { ...first, name: 'renamed', lastModifiedAt: at(60), revision: 1 };
      await putListingRows(readModel(), [first]);
      await putListingRows(readModel(), [edited]);

      expect(await readModel().getKey(tenantId, first.keyId)).toStrictEqual(edited);
      expect(await readModel().countOwnerKeys(tenantId, first.ownerId)).toBe(1);
    });

    it('answers nothing about another tenant’s keys', async () => {
      const [mine, theirs] = [newTenant(), newTenant()];
      const myKey = listingRow({ tenantId: mine, ownerId: 'u-shared' });
      const theirKey = listingRow({ tenantId: theirs, ownerId: 'u-shared', createdAt: at(5) });
      await putListingRows(readModel(), [myKey, theirKey]);

      expect(await readModel().getKey(mine, theirKey.keyId)).toBeUndefined();
      const page = await readModel().listKeys({ tenantId: mine, limit: 10 });
      expect(page.rows.map((row) => row.keyId)).toEqual([myKey.keyId]);
      const byOwner = await readModel().listKeys({ tenantId: mine, ownerId: 'u-shared', limit: 10 });
      expect(byOwner.rows.map((row) => row.keyId)).toEqual([myKey.keyId]);
      expect(await readModel().countOwnerKeys(mine, 'u-shared')).toBe(1);
    });

    it('skips deleted keys in every read, but the transaction still sees their tombstones', async () => {
      const tenantId = newTenant();
      const tombstone = listingRow({ tenantId, deleted: true, isActive: false, revision: 3 });
      await putListingRows(readModel(), [tombstone]);

      expect(await readModel().getKey(tenantId, tombstone.keyId)).toBeUndefined();
      expect((await readModel().listKeys({ tenantId, limit: 10 })).rows).toEqual([]);
      expect((await readModel().listKeys({ tenantId, ownerId: tombstone.ownerId, limit: 10 })).rows).toEqual([]);
      expect(await readModel().countOwnerKeys(tenantId, tombstone.ownerId)).toBe(0);
      const seen = await readModel().transaction((tx) => tx.getListingRow(tombstone.keyId));
      expect(seen).toStrictEqual(tombstone);
    });

    it('counts an owner’s revoked and expired keys, not the deleted ones nor other owners’', async () => {
      const tenantId = newTenant();
      await putListingRows(readModel(), [
        listingRow({ tenantId, ownerId: 'u-ada' }),
        listingRow({ tenantId, ownerId: 'u-ada', isActive: false }),
        listingRow({ tenantId, ownerId: 'u-ada', expiresAt: at(-86_400) }),
        listingRow({ tenantId, ownerId: 'u-ada', deleted: true }),
        listingRow({ tenantId, ownerId: 'u-bob' }),
      ]);

      expect(await readModel().countOwnerKeys(tenantId, 'u-ada')).toBe(3);
      expect(await readModel().countOwnerKeys(tenantId, 'u-nobody')).toBe(0);
    });

    it('reads nothing for a key it never stored', async () => {
      const unknown = 'k-never-stored';
      expect(await readModel().getKey(newTenant(), unknown)).toBeUndefined();
      expect(await readModel().findVerification(unknown)).toBeUndefined();
      const inTx = await readModel().transaction(async (tx) => [
        await tx.getListingRow(unknown),
        await tx.getVerificationRow(unknown),
      ]);
      expect(inTx).toEqual([undefined, undefined]);
    });

    it('finds a verification row by key id alone, as put and as replaced', async () => {
      const row = verificationRow({ tenantId: newTenant(), revision: 2 });
      await readModel().transaction((tx) => tx.putVerificationRow(row));

      expect(await readModel().findVerification(row.keyId)).toStrictEqual(row);
      expect(await readModel().transaction((tx) => tx.getVerificationRow(row.keyId))).toStrictEqual(row);

      const deleted = { ...row, isActive: false, deleted: true, revision: 3 };
      await readModel().transaction((tx) => tx.putVerificationRow(deleted));
      // The request path needs the tombstone to refuse the key, so verification rows are never skipped.
      expect(await readModel().findVerification(row.keyId)).toStrictEqual(deleted);
    });

    it('reports itself healthy while open', async () => {
      expect(await readModel().isHealthy()).toBe(true);
    });
  });
}
