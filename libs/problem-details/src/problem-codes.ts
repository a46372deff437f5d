/**
 * The registry of stable error codes: the one place that gives each code its HTTP status and title.
 * Codes are Palette's, so its Go SDK recognises them (it finds "not found" by `ResourceNotFound`).
 */
export const PROBLEM_CODES = {
  InvalidRequest: { status: 400, title: 'The request is invalid' },
  ApiKeyOwnerImmutable: { status: 400, title: 'An API key cannot change owner' },
  Unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  Forbidden: { status: 403, title: 'Not allowed' },
  ResourceNotFound: { status: 404, title: 'Not found' },
  MethodNotAllowed: { status: 405, title: 'Method not allowed' },
  ApiKeyLimitReached: { status: 409, title: 'API key limit reached' },
  ApiKeyExpired: { status: 409, title: 'API key expired' },
  ConcurrencyConflict: { status: 409, title: 'Concurrent modification' },
  ApiKeyLeaked: { status: 409, title: 'API key reported leaked' },
  RequestTimeout: { status: 408, title: 'The request took too long to arrive' },
  PreconditionFailed: { status: 412, title: 'The resource changed since it was read' },
  PayloadTooLarge: { status: 413, title: 'Request body too large' },
  UriTooLong: { status: 414, title: 'A path segment is too long' },
  UnsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  TooManyRequests: { status: 429, title: 'Too many requests' },
  RequestHeaderFieldsTooLarge: { status: 431, title: 'Request headers too large' },
  InternalError: { status: 500, title: 'Internal error' },
  ServiceUnavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const isProblemCode = (code: unknown): code is ProblemCode =>
  typeof code === 'string' && Object.hasOwn(PROBLEM_CODES, code);

/** The code for a status when all we know is the status (framework errors). */
export const codeForStatus = (status: number): ProblemCode => {
  const exact: Partial<Record<number, ProblemCode>> = {
    400: 'InvalidRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'ResourceNotFound',
    405: 'MethodNotAllowed',
    408: 'RequestTimeout',
    409: 'ConcurrencyConflict',
    412: 'PreconditionFailed',
    413: 'PayloadTooLarge',
    414: 'UriTooLong',
    415: 'UnsupportedMediaType',
    429: 'TooManyRequests',
    431: 'RequestHeaderFieldsTooLarge',
    503: 'ServiceUnavailable',
  };
  return exact[status] ?? (status >= 500 ? 'InternalError' : 'InvalidRequest');
};

export const problemType = (code: ProblemCode): string => `urn:keystream:problem:${code}`;
