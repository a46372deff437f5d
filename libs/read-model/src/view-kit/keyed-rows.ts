// Shared plumbing for view slices (libs/<lib>/src/views/<view>/): generic keyed-row reads and
// upserts over either dialect. Not an adapter choice, so views may import it.
import { CompiledQuery } from 'kysely';
import type { ViewDatabase } from '../view-schema.js';

/**
 * The two statements a view's batch apply needs: load the rows a batch touches in one query, write
 * the changed ones with one multi-row upsert. They run on every event a projection applies, so they
 * are written as SQL text of a fixed shape (a handful per table) instead of through Kysely's builder,
 * whose building and compiling of a few thousand values cost more than SQLite took to write them.
 * The key column must be text. Table and column names come from the view's code, never from input.
 *
 * - SQLite: the keys go in as one JSON array (`json_each`). Inside a transaction (a projection's
 *   batch) both run on the connection's raw better-sqlite3 handle (ViewDatabase.sqlite), the rows
 *   through one prepared single-row upsert run per row, with no Kysely and no await per statement;
 *   elsewhere the rows go as multi-row `values` in chunks of a fixed size.
 * - PostgreSQL: the keys as one `text[]` (`= any($1)`), the rows as one JSON array expanded by
 *   `json_populate_recordset` into the table's own row type: one statement and one round trip per
 *   batch whatever its size, typed by the table itself.
 */
const SQLITE_ROWS_PER_STATEMENT = 500;
/** SQLite allows 32,766 bound parameters per statement. */
const SQLITE_MAX_PARAMETERS = 30_000;

// Integers 0/1 rather than native booleans: one DDL and one query shape on both dialects.
export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: number | string): boolean => Number(value) === 1;

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

const tableRef = (views: ViewDatabase, table: string): string => {
  const name = quote(views.table(table));
  return views.dialect === 'postgres' && views.schema !== undefined ? `${quote(views.schema)}.${name}` : name;
};

export async function selectByKeys<R>(
  views: ViewDatabase,
  table: string,
  keyColumn: string,
  keys: readonly string[],
): Promise<R[]> {
  if (keys.length === 0) return [];
  const from = `select * from ${tableRef(views, table)} where ${quote(keyColumn)}`;
  if (views.sqlite) return views.sqlite.prepare(`${from} in (select value from json_each(?))`).all(JSON.stringify(keys)) as R[];
  const query =
    views.dialect === 'postgres'
      ? CompiledQuery.raw(`${from} = any($1::text[])`, [keys])
      : CompiledQuery.raw(`${from} in (select value from json_each(?))`, [JSON.stringify(keys)]);
  return (await views.db.executeQuery(query)).rows as R[];
}

/**
 * Inserts or replaces whole rows by their key; `records` must not repeat a key. With `newerBy`, a
 * stored row is replaced only by a record whose value in that column is greater (a revision), so a
 * replayed or older record never rolls a row back.
 */
export async function upsertByKey(
  views: ViewDatabase,
  table: string,
  keyColumn: string,
  columns: readonly string[],
  records: readonly Record<string, unknown>[],
  { newerBy }: { newerBy?: string } = {},
): Promise<void> {
  if (records.length === 0) return;
  const target = tableRef(views, table);
  const names = columns.map(quote).join(', ');
  const guard = newerBy === undefined ? '' : ` where ${quote(table)}.${quote(newerBy)} < excluded.${quote(newerBy)}`;
  const onConflict = `on conflict (${quote(keyColumn)}) do update set ${columns
    .filter((column) => column !== keyColumn)
    .map((column) => `${quote(column)} = excluded.${quote(column)}`)
    .join(', ')}${guard}`;
  if (views.dialect === 'postgres') {
    const json = JSON.stringify(records.map((record) => Object.fromEntries(columns.map((column) => [column, record[column]]))));
    await views.db.executeQuery(
      CompiledQuery.raw(`insert into ${target} as ${quote(table)} (${names}) select ${names} from json_populate_recordset(null::${target}, $1::json) ${onConflict}`, [json]),
    );
    return;
  }
  if (views.sqlite) {
    // One single-row statement, prepared once and run per row: better-sqlite3 binds an array with no
    // SQL text to build, and SQLite's work per row is the same as in a multi-row `values`.
    const statement = views.sqlite.prepare(`insert into ${target} as ${quote(table)} (${names}) values (${columns.map(() => '?').join(', ')}) ${onConflict}`);
    const values = new Array<unknown>(columns.length);
    for (const record of records) {
      for (let i = 0; i < columns.length; i++) values[i] = record[columns[i]!];
      statement.run(values);
    }
    return;
  }
  const rowsPerStatement = Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMETERS / columns.length));
  const row = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < records.length; start += rowsPerStatement) {
    const chunk = records.slice(start, start + rowsPerStatement);
    const parameters: unknown[] = [];
    for (const record of chunk) for (const column of columns) parameters.push(record[column]);
    const values = new Array<string>(chunk.length).fill(row).join(', ');
    await views.db.executeQuery(CompiledQuery.raw(`insert into ${target} as ${quote(table)} (${names}) values ${values} ${onConflict}`, parameters));
  }
}

/** For a LIKE pattern with `escape '\\'`: `%`, `_` and the escape character itself match literally. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
