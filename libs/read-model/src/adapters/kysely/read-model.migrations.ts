import { sql, type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { ReadModelMigrationError } from '../../read-model.errors.js';
import { LIVE_TABLES, type ReadModelTables } from './read-model.schema.js';

/**
 * Version 1 of the read-model tables, parameterised by table names so a shadow gets the same
 * shapes. Only portable DDL: text, integer, bigint, check constraints and plain indexes.
 */
async function createTablesV1(db: Kysely<any>, tables: ReadModelTables): Promise<void> {
  const flag = (column: string) => sql<boolean>`${sql.ref(column)} in (0, 1)`;
  const scope = sql<boolean>`${sql.ref('scope')} in ('tenant', 'user')`;

  await db.schema
    .createTable(tables.listing)
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_first_name', 'text', (c) => c.notNull())
    .addColumn('owner_last_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(scope))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().check(flag('is_active')))
    .addColumn('deleted', 'integer', (c) => c.notNull().check(flag('deleted')))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_modified_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  // The admin page: one tenant, live keys, newest first, keyset on (created_at, key_id).
  await db.schema
    .createIndex(`${tables.listing}_tenant_page_idx`)
    .on(tables.listing)
    .columns(['tenant_id', 'deleted', 'created_at desc', 'key_id desc'])
    .execute();
  // A user's own keys, and countOwnerKeys.
  await db.schema
    .createIndex(`${tables.listing}_owner_page_idx`)
    .on(tables.listing)
    .columns(['tenant_id', 'owner_id', 'deleted', 'created_at', 'key_id'])
    .execute();

  await db.schema
    .createTable(tables.verification)
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(scope))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().check(flag('is_active')))
    .addColumn('deleted', 'integer', (c) => c.notNull().check(flag('deleted')))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable(tables.checkpoints)
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/**
 * The shapes a shadow is created with: always those of the latest migration. When a later
 * migration alters the live tables, this must create the altered shapes (and createTablesV1 stays
 * as it is, because migration 0001 must keep doing what it did).
 */
export const createCurrentTables = createTablesV1;

export async function dropTables(db: Kysely<any>, tables: ReadModelTables): Promise<void> {
  for (const table of [tables.listing, tables.verification, tables.checkpoints]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

// In code, not on disk: the bundle carries its migrations and nothing has to be copied beside dist/.
const MIGRATIONS: Record<string, Migration> = {
  '0001_read_model_tables': {
    up: (db) => createTablesV1(db, LIVE_TABLES),
    down: (db) => dropTables(db, LIVE_TABLES),
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the live tables to the latest version. Safe to call from several processes at once:
 * PostgreSQL serialises them with Kysely's advisory lock, SQLite with the write lock every
 * read-model transaction takes first (see WriteLockingSqliteDialect).
 *
 * `schema` (PostgreSQL only) must match the `withSchema` of `db`; it also holds the bookkeeping.
 */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    // Own names, so another lib's Kysely migrations in the same database never collide with ours.
    migrationTableName: 'read_model_migration',
    migrationLockTableName: 'read_model_migration_lock',
    migrationTableSchema: schema,
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    const failed = results?.find((result) => result.status === 'Error');
    if (failed === undefined && isSchemaDroppedMeanwhile(error) && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      continue;
    }
    throw new ReadModelMigrationError(failed?.migrationName, { cause: error });
  }
}

/**
 * Kysely's migrator looks for its tables by introspecting every schema of the database, and that
 * query fails with 3F000 when another schema is dropped while it runs (seen when suites that share
 * the test database drop theirs). Nothing was migrated yet, so trying again is safe.
 */
const isSchemaDroppedMeanwhile = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '3F000';
