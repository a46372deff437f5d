import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ignoreConcurrentSchemaCreate } from '@keystream/store-errors';
import type { AuditStore } from '../../audit-store.port.js';
import type { AuditDatabase } from '../kysely/audit.schema.js';
import { KyselyAuditStore } from '../kysely/kysely.audit-store.js';
import { withAuditStoreErrors } from '../audit-store.error-translation.js';

export interface PostgresAuditStoreOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/keystream` (127.0.0.1: `localhost` may try ::1 first). */
  connectionString: string;
  /** The schema holding the audit table; created if missing. Defaults to the connection's search path. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgresAuditStore(options: PostgresAuditStoreOptions): Promise<AuditStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 5, connectionTimeoutMillis: 10_000 });
  // A connection the server drops while idle must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // ... nor one that is checked out when the server goes away (the pool only listens while idle).
  pool.on('connect', (client) => client.on('error', () => undefined));
  const root = new Kysely<AuditDatabase>({ dialect: withAuditStoreErrors(new PostgresDialect({ pool })) });
  try {
    if (options.schema !== undefined) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(root).catch(ignoreConcurrentSchemaCreate);
    const db = options.schema === undefined ? root : root.withSchema(options.schema);
    return await KyselyAuditStore.open(db, 'postgres', () => root.destroy());
  } catch (error) {
    await root.destroy();
    throw error;
  }
}
