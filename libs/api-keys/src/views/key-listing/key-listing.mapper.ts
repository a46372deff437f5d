import type { Insertable, Selectable } from 'kysely';
import { fromFlag, toFlag } from '@keystream/read-model';
import type { KeyScope, StringMap } from '../../domain/index.js';
import type { KeyListingRow } from './key-listing.row.js';
import type { KeyListingTable } from './key-listing.table.js';

export const toListingRecord = (row: KeyListingRow): Insertable<KeyListingTable> => ({
  key_id: row.keyId,
  tenant_id: row.tenantId,
  owner_id: row.ownerId,
  owner_first_name: row.ownerFirstName,
  owner_last_name: row.ownerLastName,
  name: row.name,
  description: row.description,
  annotations: JSON.stringify(row.annotations),
  labels: JSON.stringify(row.labels),
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
  annotations: JSON.parse(record.annotations) as StringMap,
  labels: JSON.parse(record.labels) as StringMap,
  scope: record.scope as KeyScope,
  expiresAt: record.expires_at,
  isActive: fromFlag(record.is_active),
  deleted: fromFlag(record.deleted),
  createdAt: record.created_at,
  lastModifiedAt: record.last_modified_at,
  revision: Number(record.revision),
});
