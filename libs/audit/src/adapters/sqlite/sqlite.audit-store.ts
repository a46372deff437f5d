import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { AuditStore } from '../../audit-store.port.js';
import type { AuditDatabase } from '../kysely/audit.schema.js';
import { KyselyAuditStore } from '../kysely/kysely.audit-store.js';
import { withAuditStoreErrors } from '../audit-store.error-translation.js';

/**
 * The embedded audit store: one SQLite file (default `<DATA_DIR>/audit.sqlite`), written by the
 * audit consumer and read by the API and the CLI, possibly at the same time (WAL mode).
 */
export async function openSqliteAuditStore(filename: string): Promise<AuditStore> {
  const database = new Database(filename);
  // busy_timeout first: switching a new file to WAL needs a lock another process may hold.
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  // FULL: an audit entry the consumer committed (and then acknowledged to Kafka) survives a power cut.
  database.pragma('synchronous = FULL');
  const db = new Kysely<AuditDatabase>({ dialect: withAuditStoreErrors(new SqliteDialect({ database })) });
  try {
    return await KyselyAuditStore.open(db, 'sqlite', () => db.destroy());
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
