import type { ViewDatabase } from '@keystream/read-model';
import { fromListingRecord } from './key-listing.mapper.js';
import type { KeyListingRow } from './key-listing.row.js';
import { KEY_LISTING_TABLE, type KeyListingDatabase } from './key-listing.table.js';

export const KEY_LIFETIME_QUERIES = Symbol('KEY_LIFETIME_QUERIES');

/** Furthest expiry first; the cursor is the last row of the previous page (exclusive). */
export interface KeysExpiringAfterQuery {
  tenantId: string;
  /** RFC 3339 UTC with milliseconds: keys expiring strictly later are listed. */
  after: string;
  limit: number;
  cursor?: { expiresAt: string; keyId: string };
}

/** The tenant policy's dry run: which live keys expire beyond a lifetime bound. Never changes a key. */
export interface KeyLifetimeQueries {
  listKeysExpiringAfter(query: KeysExpiringAfterQuery): Promise<{ rows: KeyListingRow[]; next?: { expiresAt: string; keyId: string } }>;
}

export function keyLifetimeQueries(views: ViewDatabase<KeyListingDatabase>): KeyLifetimeQueries {
  const { db } = views;
  const table = views.table(KEY_LISTING_TABLE);
  return {
    async listKeysExpiringAfter({ tenantId, after, limit, cursor }) {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`listKeysExpiringAfter limit must be a positive integer, got ${limit}`);
      // Timestamps are RFC 3339 UTC text of one width: they compare as text on both databases.
      let select = db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).where('deleted', '=', 0).where('expires_at', '>', after);
      if (cursor !== undefined) {
        select = select.where((eb) => eb(eb.refTuple('expires_at', 'key_id'), '<', eb.tuple(cursor.expiresAt, cursor.keyId)));
      }
      const records = await select.orderBy('expires_at', 'desc').orderBy('key_id', 'desc').limit(limit + 1).execute();
      const rows = records.slice(0, limit).map(fromListingRecord);
      const last = rows.at(-1);
      return { rows, ...(records.length > limit && last ? { next: { expiresAt: last.expiresAt, keyId: last.keyId } } : {}) };
    },
  };
}
