import type { RecordedEvent } from '@keystream/event-store';
import type { Projection } from '@keystream/processing';
import type { KeyVerificationRow } from '@keystream/read-model';
import { API_KEY_STREAM_PREFIX, type ApiKeyEvent, isApiKeyEvent } from '../domain/index.js';

export const KEY_VERIFICATION_PROJECTION = 'key-verification-v1';

/** What the request path checks a presented key against; the only view that holds the hash. */
export const evolveVerification = (
  row: KeyVerificationRow | undefined,
  event: ApiKeyEvent,
  revision: number,
): KeyVerificationRow | undefined => {
  if (event.type === 'KeyCreated') {
    const { data } = event;
    return {
      keyId: data.keyId,
      tenantId: data.tenantId,
      ownerId: data.ownerId,
      scope: data.scope,
      secretHash: data.secretHash,
      expiresAt: data.expiresAt,
      isActive: true,
      deleted: false,
      revision,
    };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'KeyEdited':
      return { ...row, expiresAt: event.data.changes.expiresAt?.after ?? row.expiresAt, revision };
    case 'KeyRevoked':
      return { ...row, isActive: false, revision };
    case 'KeyReactivated':
      return { ...row, isActive: true, revision };
    case 'KeyDeleted':
      // The hash is of no use once the key is gone; the tombstone keeps replays idempotent.
      return { ...row, deleted: true, isActive: false, secretHash: '', revision };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const keyVerificationProjection: Projection = {
  name: KEY_VERIFICATION_PROJECTION,
  filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] },
  async apply(tx, event: RecordedEvent) {
    if (!isApiKeyEvent(event)) return;
    const keyId = event.streamName.slice(API_KEY_STREAM_PREFIX.length);
    const row = await tx.getVerificationRow(keyId);
    const revision = Number(event.revision);
    if (row && row.revision >= revision) return;
    const next = evolveVerification(row, event as unknown as ApiKeyEvent, revision);
    if (next) await tx.putVerificationRow(next);
  },
};
