import { type Kysely, type Selectable, sql } from 'kysely';
import type { KeyListingPage, KeyListingQuery } from '../../read-model.port.js';
import { fromListingRecord, toFlag } from './read-model.rows.js';
import type { KeyListingTable, ReadModelDatabase, ReadModelTables } from './read-model.schema.js';

/** `%`, `_` and the escape character itself match literally. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of a tenant's live keys, newest first. Keyset pagination on (created_at, key_id), both
 * descending, matches the listing indexes, so a deep page costs what the first one does. One row
 * more than asked tells whether a next page exists without a count.
 */
export function selectKeyPage(db: Kysely<ReadModelDatabase>, tables: ReadModelTables, query: KeyListingQuery) {
  const { tenantId, ownerId, isActive, nameContains, limit, after } = query;
  let select = db
    .selectFrom(tables.listing)
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted', '=', 0);
  if (ownerId !== undefined) select = select.where('owner_id', '=', ownerId);
  if (isActive !== undefined) select = select.where('is_active', '=', toFlag(isActive));
  if (nameContains !== undefined) {
    // lower() on both sides and an explicit escape character: the same meaning on SQLite and PostgreSQL.
    const pattern = `%${escapeLike(nameContains)}%`;
    select = select.where(sql<boolean>`lower(${sql.ref('name')}) like lower(${pattern}) escape '\\'`);
  }
  if (after !== undefined) {
    select = select.where((eb) =>
      eb(eb.refTuple('created_at', 'key_id'), '<', eb.tuple(after.createdAt, after.keyId)),
    );
  }
  return select.orderBy('created_at', 'desc').orderBy('key_id', 'desc').limit(limit + 1);
}

export function toPage(records: readonly Selectable<KeyListingTable>[], limit: number): KeyListingPage {
  const rows = records.slice(0, limit).map(fromListingRecord);
  const last = rows.at(-1);
  if (records.length <= limit || last === undefined) return { rows };
  return { rows, next: { createdAt: last.createdAt, keyId: last.keyId } };
}

export function assertPageLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`listKeys limit must be a positive integer, got ${limit}`);
  }
}
