import { type ColumnType, type Kysely, sql } from 'kysely';
import { adoptVersionedCheckpoint } from '../legacy-checkpoint.js';

/** The verification table as Kysely sees it (same conventions as the listing's). */
export interface KeyVerificationTable {
  key_id: string;
  tenant_id: string;
  owner_id: string;
  scope: string;
  secret_hash: string;
  previous_secret_hash: string;
  previous_valid_until: string;
  expires_at: string;
  is_active: number;
  deleted: number;
  revision: ColumnType<number | string, number, number>;
}

export interface KeyVerificationDatabase {
  key_verification: KeyVerificationTable;
}

export const KEY_VERIFICATION_TABLE = 'key_verification';

export const KEY_VERIFICATION_COLUMNS = [
  'key_id',
  'tenant_id',
  'owner_id',
  'scope',
  'secret_hash',
  'expires_at',
  'is_active',
  'deleted',
  'revision',
  'previous_secret_hash',
  'previous_valid_until',
] as const satisfies readonly (keyof KeyVerificationTable)[];

/** Version 1, under the name `table` gives; `ifNotExists` as for the listing (older databases have it). */
async function createV1(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  const flag = (column: string) => sql<boolean>`${sql.ref(column)} in (0, 1)`;
  await db.schema
    .createTable(table(KEY_VERIFICATION_TABLE))
    .ifNotExists()
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql<boolean>`${sql.ref('scope')} in ('tenant', 'user')`))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().check(flag('is_active')))
    .addColumn('deleted', 'integer', (c) => c.notNull().check(flag('deleted')))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
}

/**
 * Version 2: the value before a rotation and its grace. Rows written before belong to keys never
 * rotated, so the defaults (no previous value) are their true state: no rebuild needed.
 */
async function addPreviousSecret(db: Kysely<any>, table: (name: string) => string): Promise<void> {
  for (const column of ['previous_secret_hash', 'previous_valid_until']) {
    await db.schema
      .alterTable(table(KEY_VERIFICATION_TABLE))
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  }
}

/** The shape a shadow is created with: always that of the latest migration. */
export const createKeyVerificationTables = async (db: Kysely<any>, table: (name: string) => string): Promise<void> => {
  await createV1(db, table);
  await addPreviousSecret(db, table);
};

export const KEY_VERIFICATION_MIGRATIONS = {
  '0001_tables': async (db: Kysely<any>) => {
    await createV1(db, (name) => name);
    await adoptVersionedCheckpoint(db, 'key-verification');
  },
  '0002_previous_secret': (db: Kysely<any>) => addPreviousSecret(db, (name) => name),
};
