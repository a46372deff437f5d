import type { KeyRevokeReason } from './api-key.events.js';
import type { Caller, SystemCaller } from './caller.js';
import type { StringMap } from './key-metadata.js';

/**
 * The tenant's effective key policy (its own, else the configured defaults); on the command so
 * `decide` stays pure. `maxLifetimeDays: null`: no maximum lifetime.
 */
export interface KeyLimits {
  maxKeysPerUser: number;
  maxLifetimeDays: number | null;
  /** A create, or an edit that sends a description, must give a non-blank one. */
  requireDescription?: boolean;
}

export interface CreateKey {
  type: 'CreateKey';
  caller: Caller;
  keyId: string;
  ownerId: string;
  ownerFirstName: string;
  ownerLastName: string;
  name: string;
  description: string;
  /** Free-form, reserved keys already removed. */
  annotations: StringMap;
  labels: StringMap;
  expiresAt: Date;
  secretHash: string;
  /** Keys the owner holds now (deleted ones excluded), read by the handler. */
  ownerKeyCount: number;
  limits: KeyLimits;
  now: Date;
}

export interface EditKey {
  type: 'EditKey';
  caller: Caller;
  keyId: string;
  name?: string;
  description?: string;
  /** Undefined keeps the map; a map replaces it whole (reserved keys already removed). */
  annotations?: StringMap;
  labels?: StringMap;
  /** Undefined keeps the current expiry (Palette's zero time means "not provided"). */
  expiresAt?: Date;
  /** A client may send the owner back; anything but the current owner is a reassignment. */
  ownerId?: string;
  limits: KeyLimits;
  now: Date;
}

export interface RevokeKey {
  type: 'RevokeKey';
  caller: Caller;
  keyId: string;
  now: Date;
  /** Set by the bulk revocations (offboarding, revoke all of a user's keys). */
  reason?: KeyRevokeReason;
}

export interface ReactivateKey {
  type: 'ReactivateKey';
  caller: Caller;
  keyId: string;
  now: Date;
}

export interface DeleteKey {
  type: 'DeleteKey';
  caller: Caller;
  keyId: string;
  now: Date;
}

/** From the expiry-notice processor: record the notice due at `now`, if any (once per stage and expiry). */
export interface NoteExpiry {
  type: 'NoteExpiry';
  /** The key's tenant, acting as the system. */
  caller: SystemCaller;
  keyId: string;
  now: Date;
}

/**
 * From the public leaked-key report, once the handler has checked the value's format, checksum and
 * secret against the key (the value itself never reaches the domain).
 */
export interface ReportLeakedKey {
  type: 'ReportLeakedKey';
  caller: SystemCaller;
  keyId: string;
  now: Date;
}

/** The longest grace a rotation may give the value it replaces (Unkey's reroll allows a chosen delay). */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 60 * 60;

export interface RotateKey {
  type: 'RotateKey';
  caller: Caller;
  keyId: string;
  /** How long the current value keeps working, 0 to MAX_ROTATION_GRACE_SECONDS. */
  graceSeconds: number;
  /** The new value's hash (the handler hashed the value it will show once). */
  secretHash: string;
  now: Date;
}

export type ApiKeyCommand = CreateKey | EditKey | RevokeKey | ReactivateKey | DeleteKey | NoteExpiry | ReportLeakedKey | RotateKey;
