import type { Insertable, Selectable } from 'kysely';
import { fromFlag, toFlag } from '@keystream/read-model';
import type { KeyScope } from '../../domain/index.js';
import type { KeyVerificationRow } from './key-verification.row.js';
import type { KeyVerificationTable } from './key-verification.table.js';

export const toVerificationRecord = (row: KeyVerificationRow): Insertable<KeyVerificationTable> => ({
  key_id: row.keyId,
  tenant_id: row.tenantId,
  owner_id: row.ownerId,
  scope: row.scope,
  secret_hash: row.secretHash,
  previous_secret_hash: row.previousSecretHash,
  previous_valid_until: row.previousValidUntil,
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
  previousSecretHash: record.previous_secret_hash,
  previousValidUntil: record.previous_valid_until,
  expiresAt: record.expires_at,
  isActive: fromFlag(record.is_active),
  deleted: fromFlag(record.deleted),
  revision: Number(record.revision),
});
