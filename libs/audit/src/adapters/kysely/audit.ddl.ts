import type { Kysely } from 'kysely';
import { AUDIT_TABLE, type AuditDatabase } from './audit.schema.js';

/**
 * Creates the audit table and its indexes unless they exist. Idempotent, and run inside the
 * store's write transaction (write-locked on SQLite, advisory-locked on PostgreSQL), so the API,
 * the consumer and the CLI may all open the same database at once. A later shape change adds a
 * versioned migration beside this, never an edit to it.
 */
export async function ensureAuditTable(db: Kysely<AuditDatabase>): Promise<void> {
  await db.schema
    .createTable(AUDIT_TABLE)
    .ifNotExists()
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('key_uid', 'text', (c) => c.notNull())
    .addColumn('actor_uid', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('cloud_event', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    // The chain: one entry per (tenant, seq), so two writers can never both append seq n.
    .addPrimaryKeyConstraint(`${AUDIT_TABLE}_pk`, ['tenant_id', 'seq'])
    .execute();
  // The HTTP filters, each newest first within a tenant.
  const indexes: Record<string, string[]> = {
    key: ['tenant_id', 'key_uid', 'seq'],
    actor: ['tenant_id', 'actor_uid', 'seq'],
    action: ['tenant_id', 'action', 'seq'],
    time: ['tenant_id', 'occurred_at'],
  };
  for (const [name, columns] of Object.entries(indexes)) {
    await db.schema.createIndex(`${AUDIT_TABLE}_${name}_idx`).ifNotExists().on(AUDIT_TABLE).columns(columns).execute();
  }
}
