import type { AllFilter, RecordedEvent } from '@keystream/event-store';
import type { ReadModelTransaction } from '@keystream/read-model';

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * A read-model projection: a name that carries its version (a new version rebuilds from zero),
 * the streams it reads, and how one event changes its rows. `apply` must be idempotent: rows keep
 * the revision they last applied and skip anything at or below it.
 */
export interface Projection {
  readonly name: string;
  readonly filter: AllFilter;
  apply(tx: ReadModelTransaction, event: RecordedEvent): Promise<void>;
}
