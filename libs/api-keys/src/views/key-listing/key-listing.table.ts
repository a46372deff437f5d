import { type ColumnType, type Kysely, sql } from 'kysely';
import type { ReadModelDialect } from '@keystream/read-model';
import { adoptVersionedCheckpoint } from '../legacy-checkpoint.js';
import { createKeyUsageTable } from '../key-usage/key-usage.table.js';

/**
 * The listing's table as Kysely sees it; the same shape on SQLite and PostgreSQL: timestamps are
 * RFC 3339 text (they sort as text), booleans are integers 0/1, and BIGINT may come back from `pg`
 * as a string, so every numeric read goes through `Number()` in the mapper.
 */
export interface KeyListingTable {
  key_id: string;
  tenant_id: string;
  owner_id: string;
  owner_first_name: string;
  owner_last_name: string;
  name: string;
  description: string;
  /** JSON objects of strings, as text: never filtered on, so no JSON column type is needed. */
  annotations: string;
  labels: string;
  scope: string;
  expires_at: string;
  is_active: number;
  deleted: number;
  created_at: string;
  last_modified_at: string;
  revision: ColumnType<number | string, number, number>;
}

export interface KeyListingDatabase {
  key_listing: KeyListingTable;
}

export const KEY_LISTING_TABLE = 'key_listing';

export const KEY_LISTING_COLUMNS = [
  'key_id',
  'tenant_id',
  'owner_id',
  'owner_first_name',
  'owner_last_name',
  'name',
  'description',
  'annotations',
  'labels',
  'scope',
  'expires_at',
  'is_active',
  'deleted',
  'created_at',
  'last_modified_at',
  'revision',
] as const satisfies readonly (keyof KeyListingTable)[];

/**
 * Version 1 of the table, under the name `table` gives (the live one, or a shadow's). Only portable
 * DDL. `ifNotExists`: databases migrated before the views had migrations of their own already have it.
 */
async function createV1(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  const name = table(KEY_LISTING_TABLE);
  const flag = (column: string) => sql<boolean>`${sql.ref(column)} in (0, 1)`;
  await db.schema
    .createTable(name)
    .ifNotExists()
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_first_name', 'text', (c) => c.notNull())
    .addColumn('owner_last_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql<boolean>`${sql.ref('scope')} in ('tenant', 'user')`))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().check(flag('is_active')))
    .addColumn('deleted', 'integer', (c) => c.notNull().check(flag('deleted')))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_modified_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  // The admin page: one tenant, live keys, newest first, keyset on (created_at, key_id).
  await db.schema
    .createIndex(`${name}_tenant_page_idx`)
    .ifNotExists()
    .on(name)
    .columns(['tenant_id', 'deleted', 'created_at desc', 'key_id desc'])
    .execute();
  // A user's own keys, and countOwnerKeys.
  await db.schema
    .createIndex(`${name}_owner_page_idx`)
    .ifNotExists()
    .on(name)
    .columns(['tenant_id', 'owner_id', 'deleted', 'created_at', 'key_id'])
    .execute();
}

/**
 * Version 2: free-form annotations and labels (event schema version 2). Rows written before hold
 * keys created without them, so the default, an empty map, is their true value: no rebuild needed.
 */
async function addMetadataMaps(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  for (const column of ['annotations', 'labels']) {
    await db.schema
      .alterTable(table(KEY_LISTING_TABLE))
      .addColumn(column, 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  }
}

/** The shape a shadow is created with: always that of the latest migration. */
export const createKeyListingTables = async (db: Kysely<any>, table: (name: string) => string): Promise<void> => {
  await createV1(db, table);
  await addMetadataMaps(db, table);
};

export const KEY_LISTING_MIGRATIONS = {
  '0001_tables': async (db: Kysely<any>) => {
    await createV1(db, (name) => name);
    await adoptVersionedCheckpoint(db, 'key-listing');
  },
  '0002_metadata_maps': (db: Kysely<any>) => addMetadataMaps(db, (name) => name),
  // Last use, which the listing joins and filters on; written by the usage flusher, never rebuilt.
  '0003_key_usage': createKeyUsageTable,
};

/**
 * The name filter is a substring match, which no b-tree can serve: with a million keys in a tenant
 * a rare match scanned the tenant (about 300 ms, test/bench/results/listing.json). On PostgreSQL a
 * trigram index answers it from the index. It needs the pg_trgm extension; where the role may not
 * create it, the filter still works, only slower, so this is best effort and idempotent.
 */
export async function ensureNameSearchIndex(db: Kysely<any>, context: { dialect: ReadModelDialect; schema?: string }): Promise<void> {
  if (context.dialect !== 'postgres') return;
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    const table = sql.table(context.schema === undefined ? KEY_LISTING_TABLE : `${context.schema}.${KEY_LISTING_TABLE}`);
    await sql`create index if not exists key_listing_name_trgm_idx on ${table} using gin (lower(name) gin_trgm_ops)`.execute(db);
  } catch {
    // No privilege for the extension: the substring filter falls back to scanning the tenant's rows.
  }
}
