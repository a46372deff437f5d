import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { ReadModel } from '../../read-model.port.js';
import { KyselyReadModel } from '../kysely/kysely.read-model.js';
import { AdvisoryLockLeases, type NamedLockOptions } from './advisory-lock.leases.js';
import { migrateToLatest } from '../kysely/read-model.migrations.js';
import type { ReadModelDatabase } from '../kysely/read-model.schema.js';

export interface PostgresReadModelOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/keystream`: 127.0.0.1, as `localhost` may resolve to ::1 first. */
  connectionString: string;
  /** All tables, the migration bookkeeping included, live in this schema; created if missing. */
  schema?: string;
  poolSize?: number;
  /** The per-owner locks that keep the key limit across instances. */
  namedLocks?: NamedLockOptions;
}

/**
 * The production read model. BIGINT (revision) and count(*) come back from `pg` as strings; the row
 * mapping turns them into numbers rather than changing `pg`'s global type parsers for the process.
 * Migrates on open.
 */
export async function openPostgresReadModel(options: PostgresReadModelOptions): Promise<ReadModel> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    // An unreachable server fails the open instead of hanging it.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client dropped by the server must not crash the process: the pool discards it, the next
  // query connects afresh, and isHealthy() reports the outage meanwhile.
  pool.on('error', () => undefined);
  // A client checked out (by a query or a processor's transaction) when the server goes away emits
  // 'error' too, and the pool only listens while the client is idle: unheard, it ends the process.
  // The query in progress fails on its own and is answered 503; the pool discards the client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const root = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool }) });
  const db = options.schema === undefined ? root : root.withSchema(options.schema);
  try {
    // Connect before migrating, so an unreachable server reports itself as that, not as a failed migration.
    await sql`select 1`.execute(root);
    await migrateToLatest(db, options.schema);
    await ensureNameSearchIndex(root, options.schema);
  } catch (error) {
    await root.destroy();
    throw error;
  }
  return new KyselyReadModel(db, undefined, false, new AdvisoryLockLeases(options.connectionString, options.schema ?? 'public', options.namedLocks));
}

/**
 * The name filter is a substring match, which no b-tree can serve: with a million keys in a tenant
 * a rare match scanned the tenant (about 300 ms, test/bench/results/listing.json). A trigram index
 * answers it from the index. It needs the pg_trgm extension; where the role may not create it, the
 * filter still works, only slower, so this is best effort and idempotent.
 */
async function ensureNameSearchIndex(root: Kysely<ReadModelDatabase>, schema: string | undefined): Promise<void> {
  try {
    await sql`create extension if not exists pg_trgm`.execute(root);
    const table = schema === undefined ? sql.table('key_listing') : sql.table(`${schema}.key_listing`);
    await sql`create index if not exists key_listing_name_trgm_idx on ${table} using gin (lower(name) gin_trgm_ops)`.execute(root);
  } catch {
    // No privilege for the extension: the substring filter falls back to scanning the tenant's rows.
  }
}
