import { describe, expect, it } from 'vitest';
import { DIALECTS, useViews } from '../testing/view-subjects.js';
import { at, listingRow, newTenant, putListingRows } from '../key-listing/key-listing.fixtures.js';
import { keyListingQueries } from '../key-listing/key-listing.queries.js';
import { keyUsageStore, mergeAddresses } from './key-usage.store.js';

describe('mergeAddresses', () => {
  it('keeps the newest three distinct addresses, newest first', () => {
    expect(mergeAddresses(['10.0.0.4', '10.0.0.1'], ['10.0.0.1', '10.0.0.2', '10.0.0.3'])).toEqual(['10.0.0.4', '10.0.0.1', '10.0.0.2']);
  });
});

/** The usage table, written by the flusher and joined by the listing, on every dialect. */
describe.each(DIALECTS)('key usage (%s)', (dialect) => {
  const readModel = useViews(dialect);
  const usage = () => keyUsageStore(readModel().live);
  const listing = () => keyListingQueries(readModel().live);

  it('shows no usage for a key never used, and the stored one once written', async () => {
    const tenantId = newTenant();
    const row = listingRow({ tenantId });
    await putListingRows(readModel(), [row]);
    expect((await listing().getKey(tenantId, row.keyId))?.usage).toBeUndefined();
    await usage().save([{ keyId: row.keyId, tenantId, lastUsedAt: at(100), lastUsedFrom: ['10.0.0.1'] }]);
    expect((await listing().getKey(tenantId, row.keyId))?.usage).toEqual({ lastUsedAt: at(100), lastUsedFrom: ['10.0.0.1'] });
    // The listing row itself is unchanged: usage is beside it, not in it.
    const { usage: _, ...listed } = (await listing().getKey(tenantId, row.keyId))!;
    expect(listed).toStrictEqual(row);
  });

  it('merges writes from several instances: the later time wins, addresses newest first, never more than three', async () => {
    const tenantId = newTenant();
    const row = listingRow({ tenantId });
    await putListingRows(readModel(), [row]);
    await usage().save([{ keyId: row.keyId, tenantId, lastUsedAt: at(200), lastUsedFrom: ['10.0.0.2', '10.0.0.1'] }]);
    await usage().save([{ keyId: row.keyId, tenantId, lastUsedAt: at(300), lastUsedFrom: ['10.0.0.3', '10.0.0.9'] }]);
    // An instance that flushes late with an older use does not move the time back.
    await usage().save([{ keyId: row.keyId, tenantId, lastUsedAt: at(250), lastUsedFrom: ['10.0.0.8'] }]);
    expect((await listing().getKey(tenantId, row.keyId))?.usage).toEqual({ lastUsedAt: at(300), lastUsedFrom: ['10.0.0.3', '10.0.0.9', '10.0.0.2'] });
  });

  it('lists only keys unused since an instant, counting a key never used from its creation, with paging intact', async () => {
    const tenantId = newTenant();
    const usedLately = listingRow({ tenantId, createdAt: at(0) });
    const usedLongAgo = listingRow({ tenantId, createdAt: at(1) });
    const neverUsedOld = listingRow({ tenantId, createdAt: at(2) });
    const neverUsedNew = listingRow({ tenantId, createdAt: at(5_000) });
    await putListingRows(readModel(), [usedLately, usedLongAgo, neverUsedOld, neverUsedNew]);
    await usage().save([
      { keyId: usedLately.keyId, tenantId, lastUsedAt: at(4_000), lastUsedFrom: [] },
      { keyId: usedLongAgo.keyId, tenantId, lastUsedAt: at(10), lastUsedFrom: [] },
    ]);
    const unused = await listing().listKeys({ tenantId, unusedSince: at(3_000), limit: 10 });
    expect(unused.rows.map((key) => key.keyId)).toEqual([neverUsedOld.keyId, usedLongAgo.keyId]);
    const first = await listing().listKeys({ tenantId, unusedSince: at(3_000), limit: 1 });
    expect(first.rows.map((key) => key.keyId)).toEqual([neverUsedOld.keyId]);
    const second = await listing().listKeys({ tenantId, unusedSince: at(3_000), limit: 1, after: first.next });
    expect(second.rows.map((key) => key.keyId)).toEqual([usedLongAgo.keyId]);
    expect(second.next).toBeUndefined();
  });

  it('saves more due keys at once than one statement may bind (SQLite allows 32,766 parameters), and merges them on the next flush', async () => {
    const tenantId = newTenant();
    const keyIds = Array.from({ length: 9_000 }, (_, index) => `${tenantId}-usage-${index}`);
    await usage().save(keyIds.map((keyId) => ({ keyId, tenantId, lastUsedAt: at(100), lastUsedFrom: ['10.0.0.1'] })));
    await usage().save(keyIds.map((keyId) => ({ keyId, tenantId, lastUsedAt: at(200), lastUsedFrom: ['10.0.0.2'] })));
    const { live } = readModel();
    const stored = await live.db
      .selectFrom(live.table('key_usage'))
      .select(['usage_key_id', 'last_used_at', 'last_used_from'])
      .where('usage_tenant_id', '=', tenantId)
      .execute();
    expect(stored).toHaveLength(keyIds.length);
    expect(new Set(stored.map((record) => record.last_used_at))).toEqual(new Set([at(200)]));
    expect(new Set(stored.map((record) => record.last_used_from))).toEqual(new Set([JSON.stringify(['10.0.0.2', '10.0.0.1'])]));
  });
});
