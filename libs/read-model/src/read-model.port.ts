/**
 * The read side: the tenant-wide key listing, the key-verification view and the processors'
 * checkpoints, all in one database so a projection's writes and its checkpoint commit together.
 * Every read of the listing takes the tenant as a mandatory argument.
 */
export const READ_MODEL = Symbol('READ_MODEL');

export type KeyScope = 'tenant' | 'user';

/** One API key as listed; never holds the hash. Deleted keys stay as tombstones that reads skip. */
export interface KeyListingRow {
  tenantId: string;
  keyId: string;
  ownerId: string;
  ownerFirstName: string;
  ownerLastName: string;
  name: string;
  description: string;
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

/** What the request path needs to accept or refuse a presented key, found by key id alone. */
export interface KeyVerificationRow {
  keyId: string;
  tenantId: string;
  ownerId: string;
  scope: KeyScope;
  secretHash: string;
  expiresAt: string;
  isActive: boolean;
  deleted: boolean;
  revision: number;
}

/** Newest first; the cursor is the last row of the previous page (exclusive). */
export interface KeyListingQuery {
  tenantId: string;
  ownerId?: string;
  isActive?: boolean;
  /** Case-insensitive substring of the name; `%` and `_` match themselves. */
  nameContains?: string;
  limit: number;
  after?: KeyListingCursor;
}

export interface KeyListingCursor {
  createdAt: string;
  keyId: string;
}

export interface KeyListingPage {
  rows: KeyListingRow[];
  /** Present when more rows may follow. */
  next?: KeyListingCursor;
}

export interface ReadModelTransaction {
  /** Includes tombstones of deleted keys, so replays of old events stay no-ops. */
  getListingRow(keyId: string): Promise<KeyListingRow | undefined>;
  putListingRow(row: KeyListingRow): Promise<void>;
  getVerificationRow(keyId: string): Promise<KeyVerificationRow | undefined>;
  putVerificationRow(row: KeyVerificationRow): Promise<void>;
  /**
   * Moves a processor's checkpoint from `expected` (undefined: never stored) to `next`. False when it
   * no longer holds `expected` (another instance moved it): the caller must roll back and re-read.
   */
  compareAndSetCheckpoint(name: string, expected: string | undefined, next: string): Promise<boolean>;
}

/** Held by the one instance that runs the processors; other instances wait for it. */
export interface ProcessingLease {
  /** Settles when the lease is lost (its connection died): the holder must stop processing. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface ReadModel {
  getKey(tenantId: string, keyId: string): Promise<KeyListingRow | undefined>;
  listKeys(query: KeyListingQuery): Promise<KeyListingPage>;
  /** Keys an owner holds now; deleted keys don't count, revoked and expired ones do. */
  countOwnerKeys(tenantId: string, ownerId: string): Promise<number>;
  findVerification(keyId: string): Promise<KeyVerificationRow | undefined>;
  getCheckpoint(name: string): Promise<string | undefined>;
  /**
   * Runs `work` in one transaction; any throw rolls everything back, checkpoint included. Inside it,
   * use only the `tx` handle: a call to this read model would wait on itself on SQLite. (Not guarded at
   * run time: AsyncLocalStorage would switch on promise hooks for the whole process on Node 20.)
   */
  transaction<T>(work: (tx: ReadModelTransaction) => Promise<T>): Promise<T>;
  /**
   * A read model over fresh, empty shadow tables beside the live ones, for a rebuild that keeps the
   * live listing answering. Its checkpoints are its own.
   */
  openShadow(): Promise<ReadModel>;
  /**
   * In one transaction: the live tables take the shadow's rows, and the named checkpoints take the
   * shadow's values. Readers see the old view or the new one, never a mix. Drops the shadow.
   * Refuses (false, nothing changed, shadow kept) when a live checkpoint is ahead of the shadow's
   * by `isAhead`: swapping then would undo what the live processors applied meanwhile, such as a
   * revocation. The live checkpoints are locked before the comparison, so they cannot move past it.
   */
  swapInShadow(
    checkpointNames: readonly string[],
    isAhead: (live: string, shadow: string | undefined) => boolean,
  ): Promise<boolean>;
  /**
   * Tries to become the one instance that runs the named processors; undefined while another holds
   * it. The lease dies with its holder, so a standby instance can take over within seconds.
   */
  tryAcquireLease(name: string): Promise<ProcessingLease | undefined>;
  /**
   * Runs `work` while holding an exclusive lock named `name` across every instance that shares this
   * read model (waiting for it if another holds it), for rules that span streams, such as the
   * number of keys a user may hold.
   */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}
