import { type ApiKeyCommand, type CreateKey, type EditKey, MAX_ROTATION_GRACE_SECONDS, type NoteExpiry, type ReportLeakedKey, type RotateKey } from './api-key.commands.js';
import type { ApiKeyEvent, KeyChanges } from './api-key.events.js';
import {
  ForbiddenError,
  InvalidRequestError,
  KeyAlreadyExistsError,
  KeyExpiredError,
  KeyLeakedError,
  KeyLimitReachedError,
  KeyNotFoundError,
  OwnerImmutableError,
} from './api-key.errors.js';
import type { ApiKeyState } from './api-key.state.js';
import type { Caller } from './caller.js';
import { checkDescription, checkExpiry, hasExpired } from './expiry.js';
import { dueNotice } from './expiry-notices.js';
import { sameStringMap } from './key-metadata.js';
import { canSee } from './visibility.js';

type ExistingKey = Exclude<ApiKeyState, { status: 'absent' | 'deleted' }>;

export const decide = (command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] => {
  switch (command.type) {
    case 'CreateKey':
      return createKey(command, state);
    case 'EditKey':
      return editKey(command, visibleKey(command.caller, command.keyId, state));
    case 'RevokeKey': {
      const key = visibleKey(command.caller, command.keyId, state);
      if (key.status === 'revoked') return [];
      const reason = command.reason === undefined ? {} : { reason: command.reason };
      return [{ type: 'KeyRevoked', data: { ...ids(key), revokedAt: command.now.toISOString(), ...reason } }];
    }
    case 'ReactivateKey': {
      const key = visibleKey(command.caller, command.keyId, state);
      if (key.status === 'active') return [];
      if (key.leaked) throw new KeyLeakedError();
      if (hasExpired(key.expiresAt, command.now)) throw new KeyExpiredError();
      return [{ type: 'KeyReactivated', data: { ...ids(key), reactivatedAt: command.now.toISOString() } }];
    }
    case 'DeleteKey': {
      const key = visibleKey(command.caller, command.keyId, state);
      return [{ type: 'KeyDeleted', data: { ...ids(key), deletedAt: command.now.toISOString() } }];
    }
    case 'NoteExpiry':
      return noteExpiry(command, state);
    case 'ReportLeakedKey':
      return reportLeakedKey(command, state);
    case 'RotateKey':
      return rotateKey(command, visibleKey(command.caller, command.keyId, state));
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

/**
 * The rules of creation that need no state: who may create for whom, and the expiry. Exported so
 * the handler can refuse a bad request before it spends a scrypt hash on it.
 */
export const checkCreateRequest = (
  command: Pick<CreateKey, 'caller' | 'ownerId' | 'expiresAt' | 'now' | 'limits'> & { description?: string },
): void => {
  const { caller, ownerId } = command;
  if (caller.kind === 'user' && ownerId !== caller.userId && !caller.isTenantAdmin) {
    throw new ForbiddenError('Only a tenant admin can create API keys for another user');
  }
  const invalid = [
    checkExpiry(command.expiresAt, command.now, command.limits.maxLifetimeDays),
    checkDescription(command.description ?? '', command.limits.requireDescription),
  ].filter((problem) => problem !== undefined);
  if (invalid.length > 0) throw new InvalidRequestError(invalid);
};

const createKey = (command: CreateKey, state: ApiKeyState): ApiKeyEvent[] => {
  const { caller, ownerId, limits, now } = command;
  checkCreateRequest(command);
  if (state.status !== 'absent') throw new KeyAlreadyExistsError(command.keyId);
  if (command.ownerKeyCount >= limits.maxKeysPerUser) throw new KeyLimitReachedError(limits.maxKeysPerUser);
  // A key acts with its owner's roles; one made on someone else's behalf never carries admin rights.
  const forSelfAsAdmin = caller.kind === 'system' || (caller.isTenantAdmin && ownerId === caller.userId);
  return [
    {
      type: 'KeyCreated',
      data: {
        tenantId: caller.tenantId,
        keyId: command.keyId,
        ownerId,
        ownerFirstName: command.ownerFirstName,
        ownerLastName: command.ownerLastName,
        name: command.name,
        description: command.description,
        annotations: command.annotations,
        labels: command.labels,
        scope: forSelfAsAdmin ? 'tenant' : 'user',
        expiresAt: command.expiresAt.toISOString(),
        secretHash: command.secretHash,
        createdAt: now.toISOString(),
      },
    },
  ];
};

const editKey = (command: EditKey, key: ExistingKey): ApiKeyEvent[] => {
  if (command.ownerId !== undefined && command.ownerId !== key.ownerId) throw new OwnerImmutableError();
  const changes: KeyChanges = {};
  if (command.name !== undefined && command.name !== key.name) changes.name = { before: key.name, after: command.name };
  const missingDescription = command.description === undefined ? undefined : checkDescription(command.description, command.limits.requireDescription);
  if (missingDescription) throw new InvalidRequestError([missingDescription]);
  if (command.description !== undefined && command.description !== key.description) {
    changes.description = { before: key.description, after: command.description };
  }
  for (const field of ['annotations', 'labels'] as const) {
    const after = command[field];
    if (after !== undefined && !sameStringMap(after, key[field])) changes[field] = { before: key[field], after };
  }
  if (command.expiresAt !== undefined && command.expiresAt.getTime() !== new Date(key.expiresAt).getTime()) {
    const invalidExpiry = checkExpiry(command.expiresAt, command.now, command.limits.maxLifetimeDays);
    if (invalidExpiry) throw new InvalidRequestError([invalidExpiry]);
    changes.expiresAt = { before: key.expiresAt, after: command.expiresAt.toISOString() };
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'KeyEdited', data: { ...ids(key), changes, editedAt: command.now.toISOString() } }];
};

/**
 * A new value for the key. The current one keeps working for the grace asked for, never past the
 * key's own expiry. An expired key is refused (its new value would be dead on arrival); a revoked
 * key may be rotated, only without a grace, so a value revoked as leaked is gone for good when the
 * key is re-activated (which the rotation then allows: evolve clears `leaked`).
 */
const rotateKey = (command: RotateKey, key: ExistingKey): ApiKeyEvent[] => {
  const { graceSeconds, now } = command;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
    throw new InvalidRequestError([{ field: 'gracePeriodSeconds', message: `must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS}` }]);
  }
  if (hasExpired(key.expiresAt, now)) throw new KeyExpiredError('An expired API key cannot be rotated; set a new expiry first');
  if (key.status === 'revoked' && graceSeconds > 0) {
    throw new InvalidRequestError([{ field: 'gracePeriodSeconds', message: 'must be 0 for a revoked key: its current value is not given a grace' }]);
  }
  const graceEndsAt = Math.min(now.getTime() + graceSeconds * 1000, new Date(key.expiresAt).getTime());
  return [
    {
      type: 'KeyRotated',
      data: { ...ids(key), secretHash: command.secretHash, graceEndsAt: new Date(graceEndsAt).toISOString(), rotatedAt: now.toISOString() },
    },
  ];
};

/** The key, if it exists, is not deleted, and the caller may see it; otherwise not found, whatever the reason. */
const visibleKey = (caller: Caller, keyId: string, state: ApiKeyState): ExistingKey => {
  if (state.status === 'absent' || state.status === 'deleted' || !canSee(caller, state)) throw new KeyNotFoundError(keyId);
  return state;
};

const ids = (key: ExistingKey) => ({ tenantId: key.tenantId, keyId: key.keyId, ownerId: key.ownerId });

/** Notices only for a key of the caller's tenant that works or could again: revoked and deleted keys get none. */
const noteExpiry = (command: NoteExpiry, state: ApiKeyState): ApiKeyEvent[] => {
  if (state.status !== 'active' || state.tenantId !== command.caller.tenantId) return [];
  const stage = dueNotice(state.expiresAt, state.noticed, command.now);
  if (stage === undefined) return [];
  const notice = { ...ids(state), expiresAt: state.expiresAt, noticedAt: command.now.toISOString() };
  return stage === 0 ? [{ type: 'KeyExpired', data: notice }] : [{ type: 'KeyExpiringSoon', data: { ...notice, daysBefore: stage } }];
};

/**
 * A leaked key that still works is revoked, with the report first so the audit trail says why. A
 * key that already does not work (revoked, expired, deleted) has nothing left to stop: the report
 * changes nothing, and answers no differently.
 */
const reportLeakedKey = (command: ReportLeakedKey, state: ApiKeyState): ApiKeyEvent[] => {
  if (state.status !== 'active' || state.tenantId !== command.caller.tenantId || hasExpired(state.expiresAt, command.now)) return [];
  const at = command.now.toISOString();
  return [
    { type: 'KeyLeakReported', data: { ...ids(state), reportedAt: at } },
    { type: 'KeyRevoked', data: { ...ids(state), revokedAt: at, reason: 'leaked' } },
  ];
};
