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
}
