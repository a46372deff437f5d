import type { ColumnType } from 'kysely';

/**
 * The tables as Kysely sees them. The same shapes are used on SQLite and PostgreSQL: timestamps are
 * RFC 3339 text (they sort as text), booleans are integers 0/1, and BIGINT columns may come back
 * from `pg` as strings, so every numeric read goes through `Number()` in the row mapping.
 */
type Flag = number;
type BigIntColumn = ColumnType<number | string, number, number>;

export interface KeyListingTable {
  key_id: string;
  tenant_id: string;
  owner_id: string;
  owner_first_name: string;
  owner_last_name: string;
  name: string;
  description: string;
  scope: string;
  expires_at: string;
  is_active: Flag;
  deleted: Flag;
  created_at: string;
  last_modified_at: string;
  revision: BigIntColumn;
}

export interface KeyVerificationTable {
  key_id: string;
  tenant_id: string;
  owner_id: string;
  scope: string;
  secret_hash: string;
  expires_at: string;
  is_active: Flag;
  deleted: Flag;
  revision: BigIntColumn;
}

export interface CheckpointTable {
  name: string;
  position: string;
  updated_at: string;
}

export interface ReadModelDatabase {
  key_listing: KeyListingTable;
  key_verification: KeyVerificationTable;
  checkpoints: CheckpointTable;
}

/**
 * Which physical tables one read model instance works on. Shadow tables have the live shapes under
 * other names, so they are typed as the live names: Kysely only needs the shape.
 */
export interface ReadModelTables {
  listing: 'key_listing';
  verification: 'key_verification';
  checkpoints: 'checkpoints';
}

export const LIVE_TABLES: ReadModelTables = {
  listing: 'key_listing',
  verification: 'key_verification',
  checkpoints: 'checkpoints',
};

const SHADOW_SUFFIX = '__shadow';

export const shadowTablesOf = (live: ReadModelTables): ReadModelTables => ({
  listing: `${live.listing}${SHADOW_SUFFIX}` as ReadModelTables['listing'],
  verification: `${live.verification}${SHADOW_SUFFIX}` as ReadModelTables['verification'],
  checkpoints: `${live.checkpoints}${SHADOW_SUFFIX}` as ReadModelTables['checkpoints'],
});

export const LISTING_COLUMNS = [
  'key_id',
  'tenant_id',
  'owner_id',
  'owner_first_name',
  'owner_last_name',
  'name',
  'description',
  'scope',
  'expires_at',
  'is_active',
  'deleted',
  'created_at',
  'last_modified_at',
  'revision',
] as const satisfies readonly (keyof KeyListingTable)[];

export const VERIFICATION_COLUMNS = [
  'key_id',
  'tenant_id',
  'owner_id',
  'scope',
  'secret_hash',
  'expires_at',
  'is_active',
  'deleted',
  'revision',
] as const satisfies readonly (keyof KeyVerificationTable)[];
