import type { ExpectedProblem } from '@keystream/problem-details';

/** The key kept changing under us beyond the bounded retries. */
export class ConcurrencyConflictError extends Error implements ExpectedProblem {
  readonly code = 'ConcurrencyConflict';
  constructor() {
    super('The API key was changed concurrently; retry the request');
    this.name = 'ConcurrencyConflictError';
  }
}

/** The client's If-Match names a version the key has moved past. */
export class PreconditionFailedError extends Error implements ExpectedProblem {
  readonly code = 'PreconditionFailed';
  constructor() {
    super('The API key changed since the version named in If-Match');
    this.name = 'PreconditionFailedError';
  }
}

/** A decision needs the views current (the key limit counts there) and they did not catch up in time. */
export class ViewsBehindError extends Error implements ExpectedProblem {
  readonly code = 'ServiceUnavailable';
  readonly retryAfterSeconds = 2;
  constructor() {
    super('The key listing is catching up; retry shortly');
    this.name = 'ViewsBehindError';
  }
}
