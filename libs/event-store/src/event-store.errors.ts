import { StoreBusyError, StoreUnavailableError } from '@keystream/store-errors';

/** The stream was not at the revision the writer expected: someone else appended first. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Stream ${streamName} expected revision ${expected} but is at ${actual}`);
    this.name = 'ConcurrencyError';
  }
}

/** The store could not be reached or failed; the operation may be retried. */
export class EventStoreUnavailableError extends StoreUnavailableError {}

/** The store is up but locked by another writer past its busy timeout (embedded SQLite). */
export class EventStoreBusyError extends StoreBusyError {
  constructor(options?: { cause?: unknown }) {
    super('The event store is busy', 1, options);
  }
}
