import type { AuditStore } from './audit-store.port.js';
import { openPostgresAuditStore } from './adapters/postgres/postgres.audit-store.js';
import { openSqliteAuditStore } from './adapters/sqlite/sqlite.audit-store.js';

export interface AuditStoreLocation {
  /** PostgreSQL when set (DATABASE_URL); otherwise the SQLite file. */
  databaseUrl?: string;
  /** PostgreSQL schema for the audit table (AUDIT_DB_SCHEMA); the connection's default when unset. */
  schema?: string;
  /** SQLite file (AUDIT_DB_FILE, default `<DATA_DIR>/audit.sqlite`). */
  file: string;
}

/** The one place that picks the audit store's database, shared by the consumer, the API and the CLI. */
export const openAuditStore = ({ databaseUrl, schema, file }: AuditStoreLocation): Promise<AuditStore> =>
  databaseUrl ? openPostgresAuditStore({ connectionString: databaseUrl, schema }) : openSqliteAuditStore(file);
