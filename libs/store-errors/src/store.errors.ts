/**
 * The two ways a backing system (event store, read model, audit store, broker) fails that are not
 * the request's fault. Each port subclasses them with its own name; adapters translate their
 * driver's errors into those subclasses, and the HTTP layer maps these two classes to 503, so no
 * port says anything about HTTP and no driver text (a host name, a SQL statement) reaches a client.
 * The message is for logs and keeps the driver's wording; the cause keeps the driver's error.
 */
export class StoreUnavailableError extends Error {
  /** Down, unreachable, restarting or timed out: nothing was done, and a retry later may work. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class StoreBusyError extends Error {
  /** Up, but every connection or the lock it needs is taken right now: retry shortly. */
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error's message for a log line. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
