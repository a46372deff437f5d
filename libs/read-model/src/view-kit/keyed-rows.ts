// Shared plumbing for view slices (libs/<lib>/src/views/<view>/): generic keyed-row reads and
// upserts over any Kysely dialect. Not an adapter choice, so views may import it.
import type { ViewDatabase } from '../view-schema.js';

/**
 * The two statements a view's batch apply needs: load the rows a batch touches in one query, write
 * the changed ones with one multi-row upsert. Both split only past the bind-parameter limits
 * (SQLite 32,766, PostgreSQL 65,535), which a batch of a few hundred events never reaches.
 */
const MAX_PARAMETERS = 30_000;

// Integers 0/1 rather than native booleans: one DDL and one query shape on both dialects.
export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: number | string): boolean => Number(value) === 1;

export async function selectByKeys<R>(
  views: ViewDatabase,
  table: string,
  keyColumn: string,
  keys: readonly string[],
): Promise<R[]> {
  const rows: R[] = [];
  for (const chunk of chunks(keys, MAX_PARAMETERS)) {
    rows.push(...((await views.db.selectFrom(views.table(table)).selectAll().where(keyColumn, 'in', chunk).execute()) as R[]));
  }
  return rows;
}

/** Inserts or replaces whole rows by their key; `records` must not repeat a key. */
export async function upsertByKey(
  views: ViewDatabase,
  table: string,
  keyColumn: string,
  columns: readonly string[],
  records: readonly Record<string, unknown>[],
): Promise<void> {
  const updated = columns.filter((column) => column !== keyColumn);
  for (const chunk of chunks(records, Math.floor(MAX_PARAMETERS / columns.length))) {
    await views.db
      .insertInto(views.table(table))
      .values(chunk as Record<string, unknown>[])
      .onConflict((oc) =>
        oc.column(keyColumn).doUpdateSet((eb) => Object.fromEntries(updated.map((column) => [column, eb.ref(`excluded.${column}`)]))),
      )
      .execute();
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
