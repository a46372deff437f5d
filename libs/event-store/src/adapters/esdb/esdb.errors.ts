/**
 * Refusals EventStoreDB sends that are the request's doing, not an outage. Each carries a stable
 * problem code (the registry in @keystream/problem-details), so the HTTP layer answers a 4xx with our
 * own message; nothing of the server's wording, host or stream name reaches a client.
 */

/** The append is larger than the server's `MaxAppendSize` (1 MiB by default): nothing was written. */
export class EventAppendTooLargeError extends Error {
  readonly code = 'PayloadTooLarge';

  constructor(
    readonly maxAppendSize: number,
    options?: { cause?: unknown },
  ) {
    super(`The change is larger than the event store accepts in one write (${maxAppendSize} bytes)`, options);
    this.name = 'EventAppendTooLargeError';
  }
}

/** The stream was deleted (tombstoned) on the server, outside Keystream: it can never be written again. */
export class EventStreamDeletedError extends Error {
  readonly code = 'ResourceNotFound';

  constructor(
    readonly streamName: string,
    options?: { cause?: unknown },
  ) {
    super('The resource was deleted from the event store', options);
    this.name = 'EventStreamDeletedError';
  }
}
