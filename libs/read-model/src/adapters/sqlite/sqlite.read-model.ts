import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { ReadModel } from '../../read-model.port.js';
import type { ViewSchema } from '../../view-schema.js';
import { KyselyReadModel } from '../kysely/kysely.read-model.js';
import { migrateToLatest } from '../kysely/read-model.migrations.js';
import { BUSY_TIMEOUT_MS, WriteLockingSqliteDialect } from './write-locking-sqlite.dialect.js';
import { withReadModelErrors } from '../read-model.error-translation.js';

/**
 * The embedded read model: one SQLite file, which the API and the worker processes may both open.
 * Migrates the shared tables and the given views' tables on open.
 */
export async function openSqliteReadModel(filename: string, views: readonly ViewSchema[] = []): Promise<ReadModel> {
  const database = new Database(filename);
  // busy_timeout first: switching a new file to WAL needs a lock another process may hold.
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('journal_mode = WAL');
  // FULL: a committed projection batch and its checkpoint survive a power cut, not just a crash.
  database.pragma('synchronous = FULL');
  // 64 MiB of page cache (the default is 2 MiB), filled only as used: a projection batch rewrites
  // thousands of rows spread over the primary-key b-trees, and a cache miss there is a read per row.
  database.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  const db = new Kysely<any>({ dialect: withReadModelErrors(new WriteLockingSqliteDialect({ database: reusingStatements(database) })) });
  try {
    await migrateToLatest(db, views);
    for (const view of views) await view.setUp?.(db, { dialect: 'sqlite' });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyReadModel(db, 'sqlite', views, undefined, undefined, database);
}

const PAGE_CACHE_KIB = 65_536;
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query afresh; on the request path that was a tenth of the CPU. The queries
 * are a handful of shapes, so each SQL text is prepared once and reused (Kysely only calls `all`
 * and `run`, which a statement supports any number of times). Least recently used goes first: the
 * projections' multi-row statements come in many sizes, and must not push out the request path's.
 */
const reusingStatements = (database: Database.Database): Database.Database => {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Database.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as Database.Database['prepare'];
  return database;
};
