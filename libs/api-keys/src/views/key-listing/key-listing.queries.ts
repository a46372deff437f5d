import { sql } from 'kysely';
import type { ViewDatabase } from '@keystream/read-model';
import { fromListingRecord, toListingRecord } from './key-listing.mapper.js';
import type { KeyListingRow } from './key-listing.row.js';
import { KEY_LISTING_COLUMNS, KEY_LISTING_TABLE, type KeyListingDatabase } from './key-listing.table.js';
import { escapeLike, selectByKeys, toFlag, upsertByKey } from '@keystream/read-model';
import type { KeyedRows } from '../view.js';
import { KEY_USAGE_TABLE, type KeyUsageDatabase } from '../key-usage/key-usage.table.js';

export const KEY_LISTING_QUERIES = Symbol('KEY_LISTING_QUERIES');

/** Newest first; the cursor is the last row of the previous page (exclusive). */
export interface KeyListingQuery {
  tenantId: string;
  ownerId?: string;
  isActive?: boolean;
  /** Case-insensitive substring of the name; `%` and `_` match themselves. */
  nameContains?: string;
  /** Only keys not used since this instant (never used: not since their creation), RFC 3339. */
  unusedSince?: string;
  limit: number;
  after?: KeyListingCursor;
}

export interface KeyListingCursor {
  createdAt: string;
  keyId: string;
}

/** A listed key with its last use, when the usage flusher has recorded one (key-usage table). */
export type ListedKey = KeyListingRow & { usage?: { lastUsedAt: string; lastUsedFrom: string[] } };

export interface KeyListingPage {
  rows: ListedKey[];
  /** Present when more rows may follow. */
  next?: KeyListingCursor;
}

/** What the get, list and create handlers ask the listing; the tenant is a mandatory argument of each. */
export interface KeyListingQueries {
  /** A live key (deleted ones read as absent). */
  getKey(tenantId: string, keyId: string): Promise<ListedKey | undefined>;
  listKeys(query: KeyListingQuery): Promise<KeyListingPage>;
  /** Keys an owner holds now; deleted keys don't count, revoked and expired ones do. */
  countOwnerKeys(tenantId: string, ownerId: string): Promise<number>;
}

/** The listing row and its usage columns (absent when never used) as one listed key. */
const toListedKey = (record: Parameters<typeof fromListingRecord>[0] & { last_used_at: string | null; last_used_from: string | null }): ListedKey => {
  const row: ListedKey = fromListingRecord(record);
  if (record.last_used_at !== null) row.usage = { lastUsedAt: record.last_used_at, lastUsedFrom: JSON.parse(record.last_used_from ?? '[]') as string[] };
  return row;
};

export function keyListingQueries(views: ViewDatabase<KeyListingDatabase & KeyUsageDatabase>): KeyListingQueries {
  const { db } = views;
  const table = views.table(KEY_LISTING_TABLE);
  const usage = views.table(KEY_USAGE_TABLE);
  // Usage lives in its own table (written off the request path); a key never used has no row there.
  const withUsage = () =>
    db
      .selectFrom(table)
      .leftJoin(usage, `${usage}.usage_key_id`, `${table}.key_id`)
      .selectAll(table)
      .select([`${usage}.last_used_at`, `${usage}.last_used_from`]);
  return {
    async getKey(tenantId, keyId) {
      const record = await withUsage()
        .where('tenant_id', '=', tenantId)
        .where('key_id', '=', keyId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return record && toListedKey(record);
    },

    /**
     * One page of a tenant's live keys, newest first. Keyset pagination on (created_at, key_id), both
     * descending, matches the listing indexes, so a deep page costs what the first one does. One row
     * more than asked tells whether a next page exists without a count.
     */
    async listKeys(query) {
      const { tenantId, ownerId, isActive, nameContains, unusedSince, limit, after } = query;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`listKeys limit must be a positive integer, got ${limit}`);
      let select = withUsage().where('tenant_id', '=', tenantId).where('deleted', '=', 0);
      if (ownerId !== undefined) select = select.where('owner_id', '=', ownerId);
      if (isActive !== undefined) select = select.where('is_active', '=', toFlag(isActive));
      if (nameContains !== undefined) {
        // lower() on both sides and an explicit escape character: the same meaning on SQLite and PostgreSQL.
        const pattern = `%${escapeLike(nameContains)}%`;
        select = select.where(sql<boolean>`lower(${sql.ref('name')}) like lower(${pattern}) escape '\\'`);
      }
      if (unusedSince !== undefined) {
        select = select.where((eb) => eb.fn.coalesce(`${usage}.last_used_at`, `${table}.created_at`), '<', unusedSince);
      }
      if (after !== undefined) {
        select = select.where((eb) => eb(eb.refTuple('created_at', 'key_id'), '<', eb.tuple(after.createdAt, after.keyId)));
      }
      const records = await select.orderBy('created_at', 'desc').orderBy('key_id', 'desc').limit(limit + 1).execute();
      const rows = records.slice(0, limit).map(toListedKey);
      const last = rows.at(-1);
      if (records.length <= limit || last === undefined) return { rows };
      return { rows, next: { createdAt: last.createdAt, keyId: last.keyId } };
    },

    async countOwnerKeys(tenantId, ownerId) {
      const { count } = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('tenant_id', '=', tenantId)
        .where('owner_id', '=', ownerId)
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(count);
    },
  };
}

/** The rows a batch touches, tombstones included, so replays of old events stay no-ops. */
export const keyListingRows: KeyedRows<KeyListingRow> = {
  async load(views, keyIds) {
    const records = await selectByKeys<Parameters<typeof fromListingRecord>[0]>(views, KEY_LISTING_TABLE, 'key_id', keyIds);
    return new Map(records.map((record) => [record.key_id, fromListingRecord(record)]));
  },
  save: (views, rows) => upsertByKey(views, KEY_LISTING_TABLE, 'key_id', KEY_LISTING_COLUMNS, rows.map(toListingRecord), { newerBy: 'revision' }),
};
