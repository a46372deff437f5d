import { type ColumnType, type Kysely, sql } from 'kysely';

export interface DirectoryUserTable {
  user_key: string;
  tenant_id: string;
  user_id: string;
  user_name: string;
  /** lower(user_name): SCIM's userName is caseExact false, so lookups and uniqueness ignore case. */
  user_name_lower: string;
  external_id: string | null;
  active: number;
  is_admin: number;
  deleted: number;
  /** The kept SCIM attributes, as JSON text. */
  profile: string;
  created_at: string;
  updated_at: string;
  revision: ColumnType<number | string, number, number>;
}

export interface DirectoryUserDatabase {
  directory_user: DirectoryUserTable;
}

export const DIRECTORY_USER_TABLE = 'directory_user';

export const DIRECTORY_USER_COLUMNS = [
  'user_key',
  'tenant_id',
  'user_id',
  'user_name',
  'user_name_lower',
  'external_id',
  'active',
  'is_admin',
  'deleted',
  'profile',
  'created_at',
  'updated_at',
  'revision',
] as const satisfies readonly (keyof DirectoryUserTable)[];

async function createV1(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  const flag = (column: string) => sql<boolean>`${sql.ref(column)} in (0, 1)`;
  const name = table(DIRECTORY_USER_TABLE);
  await db.schema
    .createTable(name)
    .ifNotExists()
    .addColumn('user_key', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_lower', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().check(flag('active')))
    .addColumn('is_admin', 'integer', (c) => c.notNull().check(flag('is_admin')))
    .addColumn('deleted', 'integer', (c) => c.notNull().check(flag('deleted')))
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(`${name}_by_user_name`).ifNotExists().on(name).columns(['tenant_id', 'user_name_lower']).execute();
}

export const createDirectoryUserTables = createV1;

export const DIRECTORY_USER_MIGRATIONS = {
  '0001_tables': (db: Kysely<any>) => createV1(db, (name) => name),
};
