/** The stream was not at the revision the writer expected: someone else appended first. */
export class ConcurrencyError extends Error {
  readonly code = 'ConcurrencyConflict' as const;
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
export class EventStoreUnavailableError extends Error {
  readonly code = 'ServiceUnavailable' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}
