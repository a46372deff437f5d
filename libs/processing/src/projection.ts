import type { AllFilter, RecordedEvent } from '@keystream/event-store';
import type { ViewTransaction } from '@keystream/read-model';

/**
 * A read-model projection: the view it writes (its name, also its checkpoint's), the version of its
 * evolve, the streams it reads, and how a batch of events changes its rows.
 *
 * `applyBatch` must be idempotent: rows keep the revision they last applied and skip anything at or
 * below it, so a replay changes nothing. That also means a changed evolve cannot rewrite existing
 * rows in place: bump `version`, and the view is rebuilt from the first event into a shadow and
 * swapped in (see versioned-rebuild.ts).
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly filter: AllFilter;
  applyBatch(tx: ViewTransaction, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Optional, for a rebuild into a shadow only: a session that may keep the rows it folds in memory
   * between batches (a shadow is written by its one rebuild alone, and never resumed), so a key's
   * later events cost neither a read nor a rewrite of its row. It writes what it holds by `flush`,
   * which the rebuild calls in a shadow transaction before every swap it offers. It must fold as
   * `applyBatch` does (a view that overrides one overrides both). Without it, a rebuild calls `applyBatch`.
   */
  openRebuild?(): RebuildSession;
}

export interface RebuildSession {
  applyBatch(tx: ViewTransaction, events: readonly RecordedEvent[]): Promise<void>;
  /** Writes every row still held only in memory. */
  flush(tx: ViewTransaction): Promise<void>;
}
