// Refusals made at the HTTP edge, before a controller runs. Each carries a registered code and a
// message we wrote, so toProblem shows it as it is and never the request's own text. A bad field is
// the domain's InvalidRequestError, the one class for "these fields are wrong" wherever it is found.

export class UriTooLongError extends Error {
  readonly code = 'UriTooLong';
  constructor(maxParamLength: number) {
    super(`A path segment is longer than ${maxParamLength} characters`);
  }
}

export class HeadersTooLargeError extends Error {
  readonly code = 'RequestHeaderFieldsTooLarge';
  constructor() {
    super('The request headers exceed 16 KiB');
  }
}

export class RequestTimeoutError extends Error {
  readonly code = 'RequestTimeout';
  constructor() {
    super('The request did not arrive in time');
  }
}

export class MethodNotAllowedError extends Error {
  readonly code = 'MethodNotAllowed';
  constructor(readonly allowed: string[]) {
    super(`This resource allows ${allowed.join(', ')}`);
  }
}

export class ShuttingDownError extends Error {
  readonly code = 'ServiceUnavailable';
  readonly retryAfterSeconds = 1;
  constructor() {
    super('This instance is shutting down; retry on another');
  }
}

export class RateLimitedError extends Error {
  readonly code = 'TooManyRequests';
  constructor(
    readonly retryAfterSeconds: number,
    per: 'client address' | 'tenant',
  ) {
    super(`Too many requests for this ${per}; retry later`);
  }
}
