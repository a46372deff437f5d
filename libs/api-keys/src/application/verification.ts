import { type UserCaller, hasExpired } from '../domain/index.js';
import type { KeyVerificationRow } from '../views/key-verification/key-verification.row.js';

/**
 * Why a presented key was accepted or refused (Unkey's verifyKey codes, where they apply).
 * OWNER_DEACTIVATED: the key and its secret are good, but the directory (SCIM) has deactivated or
 * deleted its owner, or the owner name is a renamed user's former name; only POST /v1/apiKeys/verify
 * answers it (the verifier itself never does; the guard and forward-auth answer 401).
 */
export const VERIFICATION_CODES = ['VALID', 'NOT_FOUND', 'REVOKED', 'EXPIRED', 'DELETED', 'RATE_LIMITED', 'MALFORMED', 'OWNER_DEACTIVATED'] as const;
export type VerificationCode = (typeof VERIFICATION_CODES)[number];

export interface RateLimited {
  retryAfterSeconds: number;
}

/**
 * What the verifier found. `key` is the verification row when the key id was found (never its hash
 * to a caller: routes pick what they show); a wrong secret carries none, as an unknown key id.
 */
export type Verification =
  | { valid: true; code: 'VALID'; key: KeyVerificationRow; caller: UserCaller }
  | { valid: false; code: 'REVOKED' | 'EXPIRED' | 'DELETED'; key: KeyVerificationRow }
  | ({ valid: false; code: 'RATE_LIMITED'; key: KeyVerificationRow } & RateLimited)
  | { valid: false; code: 'NOT_FOUND' | 'MALFORMED' };

// Shared, frozen answers: the refusals that carry nothing cost no allocation per request.
export const NOT_FOUND: Verification = Object.freeze({ valid: false, code: 'NOT_FOUND' });
export const MALFORMED: Verification = Object.freeze({ valid: false, code: 'MALFORMED' });

/** Why a row is refused without hashing; undefined when its secret is worth checking. Expiry is read from the clock, every time. */
export const refusal = (row: KeyVerificationRow, now: Date): 'REVOKED' | 'EXPIRED' | 'DELETED' | undefined => {
  if (row.deleted) return 'DELETED';
  if (!row.isActive) return 'REVOKED';
  if (hasExpired(row.expiresAt, now)) return 'EXPIRED';
  return undefined;
};

/** True while the value a rotation replaced is still accepted (its grace is exclusive of its end). */
export const inRotationGrace = (row: KeyVerificationRow, now: Date): boolean =>
  row.previousSecretHash !== '' && row.previousValidUntil !== '' && now.getTime() < new Date(row.previousValidUntil).getTime();

export const callerOf = (row: KeyVerificationRow): UserCaller => ({
  kind: 'user',
  tenantId: row.tenantId,
  userId: row.ownerId,
  isTenantAdmin: row.scope === 'tenant',
  via: 'apiKey',
  keyId: row.keyId,
});
