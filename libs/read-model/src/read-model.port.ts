import type { ViewDatabase } from './view-schema.js';

/**
 * The read side's shared part, cut into the narrow ports callers take: checkpoints, transactions
 * (a view batch and its checkpoint commit together), leases and named locks, shadow rebuilds. What
 * a view's rows are and how they are queried lives with the view (libs/api-keys/src/views/<view>/).
 */

/** The whole store; only the composition root and the processing runtime hold it. */
export const READ_MODEL = Symbol('READ_MODEL');
export const CHECKPOINTS = Symbol('CHECKPOINTS');
export const NAMED_LOCKS = Symbol('NAMED_LOCKS');

export interface CheckpointReader {
  getCheckpoint(name: string): Promise<string | undefined>;
}

export interface CheckpointTransaction {
  /**
   * Moves a processor's checkpoint from `expected` (undefined: never stored) to `next`. False when it
   * no longer holds `expected` (another instance moved it): the caller must roll back and re-read.
   */
  compareAndSetCheckpoint(name: string, expected: string | undefined, next: string): Promise<boolean>;
}

/** One open database transaction: the views' tables and the checkpoints, on one connection. */
export interface ViewTransaction extends CheckpointTransaction {
  readonly views: ViewDatabase;
}

export interface Transactions<Tx = ViewTransaction> {
  /**
   * Runs `work` in one transaction; any throw rolls everything back, checkpoint included. Inside it,
   * use only the `tx` handle: a call to this read model would wait on itself on SQLite. (Not guarded at
   * run time: AsyncLocalStorage would switch on promise hooks for the whole process on Node 20.)
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** What a side-effecting processor (the audit relay) needs: its checkpoint, read and moved. */
export type CheckpointStore = CheckpointReader & Transactions<CheckpointTransaction>;

/** Held by the one instance that runs the processors; other instances wait for it. */
export interface ProcessingLease {
  /** Settles when the lease is lost (its connection died): the holder must stop processing. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface ProcessingLeases {
  /**
   * Tries to become the one instance that runs the named processors; undefined while another holds
   * it. The lease dies with its holder, so a standby instance can take over within seconds.
   */
  tryAcquireLease(name: string): Promise<ProcessingLease | undefined>;
}

export interface NamedLocks {
  /**
   * Runs `work` while holding an exclusive lock named `name` across every instance that shares this
   * read model (waiting for it if another holds it), for rules that span streams, such as the
   * number of keys a user may hold.
   */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** A view and the version of its projection that built its rows. */
export interface ViewVersion {
  name: string;
  version: number;
}

export interface ViewVersions {
  /** The version each view's rows were built by, as recorded at its last swap or first build. */
  appliedVersions(): Promise<Map<string, number>>;
  /** Records a version for views that have none yet (a fresh database); never overwrites one. */
  adoptVersions(views: readonly ViewVersion[]): Promise<void>;
}

/** A rebuild's target: empty shadow tables of some views, with checkpoints of their own. */
export type ShadowViews = CheckpointReader & Transactions;

export interface ShadowRebuilds {
  /**
   * Fresh, empty shadow tables beside the live ones of the named views, for a rebuild that keeps
   * the live views answering. Drops any shadow an interrupted rebuild left.
   */
  openShadow(viewNames: readonly string[]): Promise<ShadowViews>;
  /**
   * In one transaction: each view's live tables take the shadow's rows, its live checkpoint (named
   * as the view) the shadow's, and its recorded version becomes `version`. Readers see the old view
   * or the new one, never a mix. Drops the shadow. Refuses (false, nothing changed, shadow kept) when
   * a live checkpoint is ahead of the shadow's by `isAhead`: swapping then would undo what the live
   * processors applied meanwhile, such as a revocation. The live checkpoints are locked before the
   * comparison, so they cannot move past it.
   */
  swapInShadow(views: readonly ViewVersion[], isAhead: (live: string, shadow: string | undefined) => boolean): Promise<boolean>;
}

/** The store as the composition root opens it: every shared port, plus the live views for their queries. */
export interface ReadModel
  extends CheckpointReader,
    Transactions,
    ProcessingLeases,
    NamedLocks,
    ViewVersions,
    ShadowRebuilds {
  /** The live views' tables, for the views' own query adapters. */
  readonly live: ViewDatabase;
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}
