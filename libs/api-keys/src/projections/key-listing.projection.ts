import type { RecordedEvent } from '@keystream/event-store';
import type { Projection } from '@keystream/processing';
import type { KeyListingRow } from '@keystream/read-model';
import { API_KEY_STREAM_PREFIX, type ApiKeyEvent, isApiKeyEvent } from '../domain/index.js';

export const KEY_LISTING_PROJECTION = 'key-listing-v1';

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
      const { name, description, expiresAt } = event.data.changes;
      return {
        ...row,
        name: name?.after ?? row.name,
        description: description?.after ?? row.description,
        expiresAt: expiresAt?.after ?? row.expiresAt,
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
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const keyListingProjection: Projection = {
  name: KEY_LISTING_PROJECTION,
  filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] },
  async apply(tx, event: RecordedEvent) {
    if (!isApiKeyEvent(event)) return; // a projection accepts every recorded fact, even ones it ignores
    const keyId = event.streamName.slice(API_KEY_STREAM_PREFIX.length);
    const row = await tx.getListingRow(keyId);
    const revision = Number(event.revision);
    if (row && row.revision >= revision) return; // already applied: a replay changes nothing
    const next = evolveListing(row, event as unknown as ApiKeyEvent, revision);
    if (next) await tx.putListingRow(next);
  },
};
