import { describe, expect, it } from 'vitest';
import { DIALECTS, useViews } from '../testing/view-subjects.js';
import { allPages, at, listingRow, newTenant, newestFirst, putListingRows } from './key-listing.fixtures.js';
import { keyListingQueries, keyListingRows } from './key-listing.queries.js';
import type { KeyListingRow } from './key-listing.row.js';

const ids = (rows: readonly KeyListingRow[]): string[] => rows.map((row) => row.keyId);

/** The listing's queries and batch rows, on every dialect the read model runs on. */
describe.each(DIALECTS)('key listing view (%s)', (dialect) => {
  const readModel = useViews(dialect);
  const listing = () => keyListingQueries(readModel().live);

  it('reads a listing row back exactly as it was put, by tenant and key id', async () => {
    const tenantId = newTenant();
    const row = listingRow({ tenantId, scope: 'tenant', isActive: false, revision: 7 });
    await putListingRows(readModel(), [row]);

    expect(await listing().getKey(tenantId, row.keyId)).toStrictEqual(row);
  });

  it('replaces the row put again under the same key id', async () => {
    const tenantId = newTenant();
    const first = listingRow({ tenantId, revision: 0 });
    const edited = { ...first, name: 'renamed', lastModifiedAt: at(60), revision: 1 };
    await putListingRows(readModel(), [first]);
    await putListingRows(readModel(), [edited]);

    expect(await listing().getKey(tenantId, first.keyId)).toStrictEqual(edited);
    expect(await listing().countOwnerKeys(tenantId, first.ownerId)).toBe(1);
  });

  it('answers nothing about another tenant’s keys', async () => {
    const [mine, theirs] = [newTenant(), newTenant()];
    const myKey = listingRow({ tenantId: mine, ownerId: 'u-shared' });
    const theirKey = listingRow({ tenantId: theirs, ownerId: 'u-shared', createdAt: at(5) });
    await putListingRows(readModel(), [myKey, theirKey]);

    expect(await listing().getKey(mine, theirKey.keyId)).toBeUndefined();
    const page = await listing().listKeys({ tenantId: mine, limit: 10 });
    expect(page.rows.map((row) => row.keyId)).toEqual([myKey.keyId]);
    const byOwner = await listing().listKeys({ tenantId: mine, ownerId: 'u-shared', limit: 10 });
    expect(byOwner.rows.map((row) => row.keyId)).toEqual([myKey.keyId]);
    expect(await listing().countOwnerKeys(mine, 'u-shared')).toBe(1);
  });

  it('skips deleted keys in every read, but the transaction still sees their tombstones', async () => {
    const tenantId = newTenant();
    const tombstone = listingRow({ tenantId, deleted: true, isActive: false, revision: 3 });
    await putListingRows(readModel(), [tombstone]);

    expect(await listing().getKey(tenantId, tombstone.keyId)).toBeUndefined();
    expect((await listing().listKeys({ tenantId, limit: 10 })).rows).toEqual([]);
    expect((await listing().listKeys({ tenantId, ownerId: tombstone.ownerId, limit: 10 })).rows).toEqual([]);
    expect(await listing().countOwnerKeys(tenantId, tombstone.ownerId)).toBe(0);
    const seen = await readModel().transaction((tx) => keyListingRows.load(tx.views, [tombstone.keyId]));
    expect(seen.get(tombstone.keyId)).toStrictEqual(tombstone);
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

    expect(await listing().countOwnerKeys(tenantId, 'u-ada')).toBe(3);
    expect(await listing().countOwnerKeys(tenantId, 'u-nobody')).toBe(0);
  });

  it('reads nothing for a key it never stored', async () => {
    const unknown = 'k-never-stored';
    expect(await listing().getKey(newTenant(), unknown)).toBeUndefined();
    expect(await readModel().transaction((tx) => keyListingRows.load(tx.views, [unknown]))).toEqual(new Map());
  });



  it('pages 25 keys by 10, newest first, with no gap, no repeat and no next on the last page', async () => {
    const tenantId = newTenant();
    // Three keys per second, so equal created_at values straddle page borders and key id breaks the tie.
    const rows = Array.from({ length: 25 }, (_, i) => listingRow({ tenantId, createdAt: at(Math.floor(i / 3)) }));
    await putListingRows(readModel(), rows);

    const pages = await allPages(listing(), { tenantId, limit: 10 });

    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(ids(pages.flat())).toEqual(ids(newestFirst(rows)));
  });

  it('points next at the last row of the page and starts the following page after it', async () => {
    const tenantId = newTenant();
    const rows = newestFirst(Array.from({ length: 6 }, (_, i) => listingRow({ tenantId, createdAt: at(i) })));
    await putListingRows(readModel(), rows);

    const first = await listing().listKeys({ tenantId, limit: 4 });
    expect(first.next).toEqual({ createdAt: rows[3]!.createdAt, keyId: rows[3]!.keyId });
    const second = await listing().listKeys({ tenantId, limit: 4, after: first.next });
    expect(ids(second.rows)).toEqual(ids(rows.slice(4)));
    expect(second.next).toBeUndefined();
  });

  it('ends without an empty page when the keys fill the last page exactly', async () => {
    const tenantId = newTenant();
    await putListingRows(readModel(), Array.from({ length: 20 }, (_, i) => listingRow({ tenantId, createdAt: at(i) })));

    const pages = await allPages(listing(), { tenantId, limit: 10 });

    expect(pages.map((page) => page.length)).toEqual([10, 10]);
  });

  it('returns an empty page for a tenant without keys', async () => {
    expect(await listing().listKeys({ tenantId: newTenant(), limit: 10 })).toEqual({ rows: [] });
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
      ids((await listing().listKeys({ tenantId, limit: 50, ...filter })).rows);

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

    const pages = await allPages(listing(), { tenantId, ownerId: 'u-ada', limit: 4 });

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
      (await listing().listKeys({ tenantId, limit: 50, nameContains })).rows.map((row) => row.name);

    expect(await names('%')).toEqual(['100% done']);
    expect(await names('0% d')).toEqual(['100% done']);
    expect(await names('_')).toEqual(['ci_key']);
    expect(await names('I_K')).toEqual(['ci_key']);
    expect(await names('\\')).toEqual(['c:\\keys']);
    expect(await names('')).toHaveLength(5);
  });

  it('rejects a page size that is not a positive integer', async () => {
    await expect(listing().listKeys({ tenantId: 't1', limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(listing().listKeys({ tenantId: 't1', limit: 2.5 })).rejects.toBeInstanceOf(RangeError);
  });
});
