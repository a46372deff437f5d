import type { KeyScope } from '../../domain/index.js';

/** What the request path needs to accept or refuse a presented key, found by key id alone. */
export interface KeyVerificationRow {
  keyId: string;
  tenantId: string;
  ownerId: string;
  scope: KeyScope;
  secretHash: string;
  /** RFC 3339 UTC with milliseconds. */
  expiresAt: string;
  isActive: boolean;
  deleted: boolean;
  /** The key stream's revision last applied; an event at or below it is a replay and is skipped. */
  revision: number;
}
