import type { ApiKeyEvent } from '../../domain/index.js';
import type { KeyListingRow } from './key-listing.row.js';

/** The listing row after one event; pure, so it is tested and replayed without a database. */
export const evolveListing = (row: KeyListingRow | undefined, event: ApiKeyEvent, revision: number): KeyListingRow | undefined => {
  if (event.type === 'KeyCreated') {
    const { data } = event;
    return {
      tenantId: data.tenantId,
      keyId: data.keyId,
      ownerId: data.ownerId,
      ownerFirstName: data.ownerFirstName,
      ownerLastName: data.ownerLastName,
      name: data.name,
      description: data.description,
      annotations: data.annotations,
      labels: data.labels,
      scope: data.scope,
      expiresAt: data.expiresAt,
      isActive: true,
      deleted: false,
      createdAt: data.createdAt,
      lastModifiedAt: data.createdAt,
      revision,
    };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'KeyEdited': {
      const { name, description, expiresAt, annotations, labels } = event.data.changes;
      return {
        ...row,
        name: name?.after ?? row.name,
        description: description?.after ?? row.description,
        expiresAt: expiresAt?.after ?? row.expiresAt,
        annotations: annotations?.after ?? row.annotations,
        labels: labels?.after ?? row.labels,
        lastModifiedAt: event.data.editedAt,
        revision,
      };
    }
    case 'KeyRevoked':
      return { ...row, isActive: false, lastModifiedAt: event.data.revokedAt, revision };
    case 'KeyReactivated':
      return { ...row, isActive: true, lastModifiedAt: event.data.reactivatedAt, revision };
    case 'KeyDeleted':
      return { ...row, deleted: true, lastModifiedAt: event.data.deletedAt, revision };
    case 'KeyExpiringSoon':
    case 'KeyExpired':
    case 'KeyLeakReported':
      // Notices and reports change nothing shown; the revision still follows the stream (the ETag).
      return { ...row, revision };
    case 'KeyRotated':
      return { ...row, lastModifiedAt: event.data.rotatedAt, revision };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
