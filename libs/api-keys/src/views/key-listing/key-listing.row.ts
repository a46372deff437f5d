import type { KeyScope, StringMap } from '../../domain/index.js';

/** One API key as listed; never holds the hash. Deleted keys stay as tombstones that reads skip. */
export interface KeyListingRow {
  tenantId: string;
  keyId: string;
  ownerId: string;
  ownerFirstName: string;
  ownerLastName: string;
  name: string;
  description: string;
  /** Free-form metadata, reserved annotations excluded (the resource adds those). */
  annotations: StringMap;
  labels: StringMap;
  scope: KeyScope;
  /** RFC 3339 UTC with milliseconds, as every timestamp here: sorts as text. */
  expiresAt: string;
  isActive: boolean;
  deleted: boolean;
  createdAt: string;
  lastModifiedAt: string;
  /** The key stream's revision last applied; an event at or below it is a replay and is skipped. */
  revision: number;
}
