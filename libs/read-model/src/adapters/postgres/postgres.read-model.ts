import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { ReadModel } from '../../read-model.port.js';
import type { ViewSchema } from '../../view-schema.js';
import { KyselyReadModel } from '../kysely/kysely.read-model.js';
import { AdvisoryLockLeases, type NamedLockOptions } from './advisory-lock.leases.js';
import { withReadModelErrors } from '../read-model.error-translation.js';
import { migrateToLatest } from '../kysely/read-model.migrations.js';

export interface PostgresReadModelOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/keystream`: 127.0.0.1, as `localhost` may resolve to ::1 first. */
  connectionString: string;
  /** All tables, the migration bookkeeping included, live in this schema; created if missing. */
  schema?: string;
  poolSize?: number;
  /** The per-owner locks that keep the key limit across instances. */
  namedLocks?: NamedLockOptions;
  /** The views to migrate and to know for shadows and swaps (the view registry). */
  views?: readonly ViewSchema[];
}

/**
 * The production read model. BIGINT (revision) and count(*) come back from `pg` as strings; the row
 * mapping turns them into numbers rather than changing `pg`'s global type parsers for the process.
 * Migrates the shared tables and the views' tables on open.
 */
export async function openPostgresReadModel(options: PostgresReadModelOptions): Promise<ReadModel> {
  const views = options.views ?? [];
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
  const root = new Kysely<any>({ dialect: withReadModelErrors(new PostgresDialect({ pool })) });
  const db = options.schema === undefined ? root : root.withSchema(options.schema);
  try {
    // Connect before migrating, so an unreachable server reports itself as that, not as a failed migration.
    await sql`select 1`.execute(root);
    await migrateToLatest(db, views, options.schema);
    for (const view of views) await view.setUp?.(root, { dialect: 'postgres', schema: options.schema });
  } catch (error) {
    await root.destroy();
    throw error;
  }
  return new KyselyReadModel(db, 'postgres', views, new AdvisoryLockLeases(options.connectionString, options.schema ?? 'public', options.namedLocks), options.schema);
}
