import type { Kysely } from 'kysely';

/**
 * When each key was last used and from where, written by the batched usage flusher (at most once a
 * minute per key and instance), never by a projection: usage is not an event, so a rebuild of the
 * views neither needs nor touches it. Column names carry a `usage_` prefix where the listing has
 * the same name, so the listing joins it without qualifying every column.
 */
export interface KeyUsageTable {
  usage_key_id: string;
  usage_tenant_id: string;
  /** RFC 3339 UTC with milliseconds (sorts as text, as the listing's times). */
  last_used_at: string;
  /** JSON array of up to KEY_USAGE_ADDRESSES source addresses, most recent first. */
  last_used_from: string;
}

export interface KeyUsageDatabase {
  key_usage: KeyUsageTable;
}

export const KEY_USAGE_TABLE = 'key_usage';
export const KEY_USAGE_COLUMNS = ['usage_key_id', 'usage_tenant_id', 'last_used_at', 'last_used_from'] as const satisfies readonly (keyof KeyUsageTable)[];
/** Source addresses kept per key (GitLab shows the last few IPs). */
export const KEY_USAGE_ADDRESSES = 3;

/**
 * Created by a migration of the key listing, the view that reads it (views/key-listing), and not
 * listed among that view's tables: it is not a projection, so a rebuild never shadows, swaps or
 * empties it.
 */
export async function createKeyUsageTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(KEY_USAGE_TABLE)
    .ifNotExists()
    .addColumn('usage_key_id', 'text', (c) => c.primaryKey())
    .addColumn('usage_tenant_id', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addColumn('last_used_from', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
