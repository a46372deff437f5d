import { type Kysely, type RawBuilder, sql } from 'kysely';
import { AUDIT_TABLE, type AuditDatabase } from './audit.schema.js';

type Dialect = 'sqlite' | 'postgres';

/**
 * The key's owner as the CloudEvent data names it (`data.ownerUid`), the expression an owner's query
 * filters on. The index below is built on exactly this expression, so the planner uses it.
 */
export const ownerUidOf = (dialect: Dialect): RawBuilder<string> =>
  dialect === 'postgres' ? sql<string>`(cloud_event::jsonb #>> '{data,ownerUid}')` : sql<string>`json_extract(cloud_event, '$.data.ownerUid')`;

/**
 * Migration beside `ensureAuditTable` (added after it, never folded into it): an index on the
 * tenant, the owner and the chain position, so a user reading their own keys' events (GET
 * /v1/audit/events as a non-admin) reads only their entries, newest first, however long the
 * tenant's chain. Idempotent; run in the same schema transaction as the table.
 */
export async function ensureAuditOwnerIndex(db: Kysely<AuditDatabase>, dialect: Dialect): Promise<void> {
  // Through the schema builder, so a PostgreSQL schema (withSchema) applies as it does to the table.
  await db.schema.createIndex(`${AUDIT_TABLE}_owner_idx`).ifNotExists().on(AUDIT_TABLE).column('tenant_id').expression(ownerUidOf(dialect)).column('seq').execute();
}
