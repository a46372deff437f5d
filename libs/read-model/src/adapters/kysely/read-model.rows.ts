import type { Insertable, Selectable } from 'kysely';
import type { KeyListingRow, KeyScope, KeyVerificationRow } from '../../read-model.port.js';
import type { KeyListingTable, KeyVerificationTable } from './read-model.schema.js';

// Integers 0/1 rather than native booleans: one DDL and one query shape on both dialects.
export const toFlag = (value: boolean): number => (value ? 1 : 0);
const fromFlag = (value: number | string): boolean => Number(value) === 1;

export const toListingRecord = (row: KeyListingRow): Insertable<KeyListingTable> => ({
  key_id: row.keyId,
  tenant_id: row.tenantId,
  owner_id: row.ownerId,
  owner_first_name: row.ownerFirstName,
  owner_last_name: row.ownerLastName,
  name: row.name,
  description: row.description,
  scope: row.scope,
  expires_at: row.expiresAt,
  is_active: toFlag(row.isActive),
  deleted: toFlag(row.deleted),
  created_at: row.createdAt,
  last_modified_at: row.lastModifiedAt,
  revision: row.revision,
});

export const fromListingRecord = (record: Selectable<KeyListingTable>): KeyListingRow => ({
  tenantId: record.tenant_id,
  keyId: record.key_id,
  ownerId: record.owner_id,
  ownerFirstName: record.owner_first_name,
  ownerLastName: record.owner_last_name,
  name: record.name,
  description: record.description,
  scope: record.scope as KeyScope,
  expiresAt: record.expires_at,
  isActive: fromFlag(record.is_active),
  deleted: fromFlag(record.deleted),
  createdAt: record.created_at,
  lastModifiedAt: record.last_modified_at,
  revision: Number(record.revision),
});

export const toVerificationRecord = (row: KeyVerificationRow): Insertable<KeyVerificationTable> => ({
  key_id: row.keyId,
  tenant_id: row.tenantId,
  owner_id: row.ownerId,
  scope: row.scope,
  secret_hash: row.secretHash,
  expires_at: row.expiresAt,
  is_active: toFlag(row.isActive),
  deleted: toFlag(row.deleted),
  revision: row.revision,
});

export const fromVerificationRecord = (record: Selectable<KeyVerificationTable>): KeyVerificationRow => ({
  keyId: record.key_id,
  tenantId: record.tenant_id,
  ownerId: record.owner_id,
  scope: record.scope as KeyScope,
  secretHash: record.secret_hash,
  expiresAt: record.expires_at,
  isActive: fromFlag(record.is_active),
  deleted: fromFlag(record.deleted),
  revision: Number(record.revision),
});
