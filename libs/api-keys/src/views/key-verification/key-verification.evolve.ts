import type { ApiKeyEvent } from '../../domain/index.js';
import type { KeyVerificationRow } from './key-verification.row.js';

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
      previousSecretHash: '',
      previousValidUntil: '',
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
      return { ...row, deleted: true, isActive: false, secretHash: '', previousSecretHash: '', previousValidUntil: '', revision };
    case 'KeyExpiringSoon':
    case 'KeyExpired':
    case 'KeyLeakReported':
      // Nothing to check changes (a leak's revocation is its own KeyRevoked).
      return { ...row, revision };
    case 'KeyRotated':
      // One row keeps two values at most: the one replaced now gets the grace, any older one is gone.
      return {
        ...row,
        secretHash: event.data.secretHash,
        previousSecretHash: row.deleted ? '' : row.secretHash,
        previousValidUntil: row.deleted ? '' : event.data.graceEndsAt,
        revision,
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
