import { type ColumnType, type Kysely, sql } from 'kysely';

/** The notice table as Kysely sees it (same conventions as the listing's). */
export interface ExpiryNoticeTable {
  key_id: string;
  tenant_id: string;
  expires_at: string;
  /** Days before expiry of the last notice (0: the expiry itself); null before the first. */
  noticed: number | null;
  is_active: number;
  /** RFC 3339 UTC with milliseconds, so text order is time order; null when no notice will come. */
  next_notice_at: string | null;
  revision: ColumnType<number | string, number, number>;
}

export interface ExpiryNoticeDatabase {
  key_expiry_notice: ExpiryNoticeTable;
}

export const EXPIRY_NOTICE_TABLE = 'key_expiry_notice';

export const EXPIRY_NOTICE_COLUMNS = [
  'key_id',
  'tenant_id',
  'expires_at',
  'noticed',
  'is_active',
  'next_notice_at',
  'revision',
] as const satisfies readonly (keyof ExpiryNoticeTable)[];

async function createV1(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  const name = table(EXPIRY_NOTICE_TABLE);
  await db.schema
    .createTable(name)
    .ifNotExists()
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('noticed', 'integer', (c) => c.check(sql<boolean>`${sql.ref('noticed')} in (30, 7, 1, 0)`))
    .addColumn('is_active', 'integer', (c) => c.notNull().check(sql<boolean>`${sql.ref('is_active')} in (0, 1)`))
    .addColumn('next_notice_at', 'text')
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  // The processor's one question: keys whose next notice is due, soonest first.
  await db.schema.createIndex(`${name}_due_idx`).ifNotExists().on(name).columns(['next_notice_at', 'key_id']).execute();
}

/** The shape a shadow is created with: always that of the latest migration. */
export const createExpiryNoticeTables = createV1;

export const EXPIRY_NOTICE_MIGRATIONS = {
  '0001_tables': (db: Kysely<any>) => createV1(db, (name) => name),
};
