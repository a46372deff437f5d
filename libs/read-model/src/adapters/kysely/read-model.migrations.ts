import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { ReadModelMigrationError } from '../../read-model.errors.js';
import type { ViewSchema } from '../../view-schema.js';
import { CHECKPOINTS_TABLE, VIEW_VERSIONS_TABLE } from './shared.schema.js';

/**
 * The shared tables. `0001_read_model_tables` once created the first two views' tables as well;
 * those moved into the views' own migrations, which create them only where they are missing, so a
 * database migrated before the split keeps its rows. The name stays: it is recorded in such databases.
 */
const SHARED_MIGRATIONS: Record<string, Migration> = {
  '0001_read_model_tables': {
    up: async (db) => {
      await db.schema
        .createTable(CHECKPOINTS_TABLE)
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('position', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_view_versions': {
    up: async (db) => {
      await db.schema
        .createTable(VIEW_VERSIONS_TABLE)
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/** The checkpoints table under another name, for a shadow; the shape of the latest shared migration. */
export async function createCheckpointsTable(db: Kysely<any>, name: string): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/**
 * Shared migrations first (their names start with a digit), then each view's, named
 * `<view>/<migration>`. Views are independent, so a view registered later may sort among views
 * that already ran: unordered migrations are allowed, and each view's own keep their order.
 */
function migrationsOf(views: readonly ViewSchema[], executed: readonly string[]): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  // A view this process does not register (the relay's CLI registers none) keeps what it has: its
  // recorded migrations are listed as done, since Kysely refuses a recorded migration it is not given.
  for (const name of executed) all[name] = { up: async () => undefined };
  Object.assign(all, SHARED_MIGRATIONS);
  for (const view of views) {
    for (const [name, up] of Object.entries(view.migrations)) all[`${view.name}/${name}`] = { up };
  }
  return all;
}

const MIGRATION_TABLE = 'read_model_migration';

/** The names already recorded; none before the first migration created the table. */
async function executedMigrations(db: Kysely<any>): Promise<string[]> {
  try {
    const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute();
    return rows.map((row) => String(row.name));
  } catch {
    return [];
  }
}

/**
 * Brings the shared tables and every registered view's tables to their latest version. Safe to call
 * from several processes at once: PostgreSQL serialises them with Kysely's advisory lock, SQLite with
 * the write lock every read-model transaction takes first (see WriteLockingSqliteDialect).
 *
 * `schema` (PostgreSQL only) must match the `withSchema` of `db`; it also holds the bookkeeping.
 */
export async function migrateToLatest(db: Kysely<any>, views: readonly ViewSchema[], schema?: string): Promise<void> {
  // In code, not on disk: the bundle carries its migrations and nothing has to be copied beside dist/.
  // Read before the migrator takes its lock: on SQLite the lock holds the only connection.
  const migrations = migrationsOf(views, await executedMigrations(db));
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    // Own names, so another lib's Kysely migrations in the same database never collide with ours.
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'read_model_migration_lock',
    migrationTableSchema: schema,
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    const failed = results?.find((result) => result.status === 'Error');
    if (failed === undefined && isSchemaDroppedMeanwhile(error) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, 20 * attempt)));
      continue;
    }
    throw new ReadModelMigrationError(failed?.migrationName, { cause: error });
  }
}

/**
 * Kysely's migrator looks for its tables by introspecting every schema of the database, and that
 * query fails when another schema (or a table in it) is dropped while it runs, seen when suites that
 * share the test database drop theirs: 3F000 (schema gone), 42P01 / 42704 (table or object gone),
 * XX000 "cache lookup failed" (catalog row gone mid-scan), and a schema created by another opener at
 * the same moment (42P06, or 23505 on pg_namespace). Nothing was migrated yet, so trying again
 * is safe; on a busy machine it can take several tries.
 */
const CATALOG_RACES = new Set(['3F000', '42P01', '42704', '42P06', '23505']);
const isSchemaDroppedMeanwhile = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return CATALOG_RACES.has(String(code)) || (code === 'XX000' && /cache lookup failed/.test(String(message)));
};
