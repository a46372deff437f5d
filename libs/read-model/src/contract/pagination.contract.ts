import { describe, expect, it } from 'vitest';
import type { KeyListingRow } from '../read-model.port.js';
import { allPages, at, listingRow, newestFirst, newTenant, putListingRows } from './read-model.fixtures.js';
import { type MakeReadModel, useSubject } from './read-model.subject.js';

const ids = (rows: readonly KeyListingRow[]): string[] => rows.map((row) => row.keyId);

export function describePaginationContract(make: MakeReadModel): void {
  describe('listing pages and filters', () => {
    const subject = useSubject(make, 'suite');
    const readModel = () => subject().readModel;

    it('pages 25 keys by 10, newest first, with no gap, no repeat and no next on the last page', async () => {
      const tenantId = newTenant();
      // Three keys per second, so equal created_at values straddle page borders and key id breaks the tie.
      const rows = Array.from({ length: 25 }, (_, i) => listingRow({ tenantId, createdAt: at(Math.floor(i / 3)) }));
      await putListingRows(readModel(), rows);

      const pages = await allPages(readModel(), { tenantId, limit: 10 });

      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(rows)));
    });

    it('points next at the last row of the page and starts the following page after it', async () => {
      const tenantId = newTenant();
      const rows = newestFirst(Array.from({ length: 6 }, (_, i) => listingRow({ tenantId, createdAt: at(i) })));
      await putListingRows(readModel(), rows);

      const first = await readModel().listKeys({ tenantId, limit: 4 });
      expect(first.next).toEqual({ createdAt: rows[3]!.createdAt, keyId: rows[3]!.keyId });
      const second = await readModel().listKeys({ tenantId, limit: 4, after: first.next });
      expect(ids(second.rows)).toEqual(ids(rows.slice(4)));
      expect(second.next).toBeUndefined();
    });

    it('ends without an empty page when the keys fill the last page exactly', async () => {
      const tenantId = newTenant();
      await putListingRows(readModel(), Array.from({ length: 20 }, (_, i) => listingRow({ tenantId, createdAt: at(i) })));

      const pages = await allPages(readModel(), { tenantId, limit: 10 });

      expect(pages.map((page) => page.length)).toEqual([10, 10]);
    });

    it('returns an empty page for a tenant without keys', async () => {
      expect(await readModel().listKeys({ tenantId: newTenant(), limit: 10 })).toEqual({ rows: [] });
    });

    it('filters by owner, by active state and by name, alone and combined', async () => {
      const tenantId = newTenant();
      const adaActive = listingRow({ tenantId, ownerId: 'u-ada', name: 'Deploy PROD', createdAt: at(1) });
      const adaRevoked = listingRow({ tenantId, ownerId: 'u-ada', name: 'deploy staging', isActive: false, createdAt: at(2) });
      const adaOther = listingRow({ tenantId, ownerId: 'u-ada', name: 'metrics', createdAt: at(3) });
      const bobActive = listingRow({ tenantId, ownerId: 'u-bob', name: 'deploy prod', createdAt: at(4) });
      const bobRevoked = listingRow({ tenantId, ownerId: 'u-bob', name: 'backup', isActive: false, createdAt: at(5) });
      await putListingRows(readModel(), [adaActive, adaRevoked, adaOther, bobActive, bobRevoked]);
      const list = async (filter: { ownerId?: string; isActive?: boolean; nameContains?: string }) =>
        ids((await readModel().listKeys({ tenantId, limit: 50, ...filter })).rows);

      expect(await list({ ownerId: 'u-ada' })).toEqual(ids([adaOther, adaRevoked, adaActive]));
      expect(await list({ isActive: true })).toEqual(ids([bobActive, adaOther, adaActive]));
      expect(await list({ isActive: false })).toEqual(ids([bobRevoked, adaRevoked]));
      expect(await list({ nameContains: 'DePlOy' })).toEqual(ids([bobActive, adaRevoked, adaActive]));
      expect(await list({ nameContains: 'prod' })).toEqual(ids([bobActive, adaActive]));
      expect(await list({ ownerId: 'u-ada', isActive: true, nameContains: 'deploy' })).toEqual(ids([adaActive]));
      expect(await list({ ownerId: 'u-bob', isActive: false, nameContains: 'deploy' })).toEqual([]);
    });

    it('pages through a filtered listing with the same cursor rules', async () => {
      const tenantId = newTenant();
      const rows = Array.from({ length: 12 }, (_, i) =>
        listingRow({ tenantId, ownerId: i % 2 === 0 ? 'u-ada' : 'u-bob', createdAt: at(Math.floor(i / 4)) }),
      );
      await putListingRows(readModel(), rows);

      const pages = await allPages(readModel(), { tenantId, ownerId: 'u-ada', limit: 4 });

      expect(pages.map((page) => page.length)).toEqual([4, 2]);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(rows.filter((row) => row.ownerId === 'u-ada'))));
    });

    it('matches %, _ and \\ in a name filter literally', async () => {
      const tenantId = newTenant();
      const named = (name: string, second: number) => listingRow({ tenantId, name, createdAt: at(second) });
      const percent = named('100% done', 1);
      const plain = named('100 done', 2);
      const underscore = named('ci_key', 3);
      const anyChar = named('ci-key', 4);
      const backslash = named('c:\\keys', 5);
      await putListingRows(readModel(), [percent, plain, underscore, anyChar, backslash]);
      const names = async (nameContains: string) =>
        (await readModel().listKeys({ tenantId, limit: 50, nameContains })).rows.map((row) => row.name);

      expect(await names('%')).toEqual(['100% done']);
      expect(await names('0% d')).toEqual(['100% done']);
      expect(await names('_')).toEqual(['ci_key']);
      expect(await names('I_K')).toEqual(['ci_key']);
      expect(await names('\\')).toEqual(['c:\\keys']);
      expect(await names('')).toHaveLength(5);
    });
  });
}
