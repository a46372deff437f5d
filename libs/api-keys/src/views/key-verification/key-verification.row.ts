import type { KeyScope } from '../../domain/index.js';

/** What the request path needs to accept or refuse a presented key, found by key id alone. */
export interface KeyVerificationRow {
  keyId: string;
  tenantId: string;
  ownerId: string;
  scope: KeyScope;
  secretHash: string;
  /** The value before the last rotation: its hash, '' when there is none (or its grace is over and another rotation followed). */
  previousSecretHash: string;
  /** Until when (exclusive, RFC 3339) the previous value is accepted; '' when there is none. */
  previousValidUntil: string;
  /** RFC 3339 UTC with milliseconds. */
  expiresAt: string;
  isActive: boolean;
  deleted: boolean;
  /** The key stream's revision last applied; an event at or below it is a replay and is skipped. */
  revision: number;
}
