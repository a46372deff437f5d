import { HttpException } from '@nestjs/common';
import { PROBLEM_CODES, type ProblemCode, codeForStatus, isProblemCode, problemType } from './problem-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 members plus Palette's `code` and `message`, so both kinds of client can read it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ProblemCode;
  message: string;
  errors?: FieldError[];
}

export interface Problem {
  status: number;
  body: ProblemDocument;
  /** True for failures nobody expected: log them with their stack. */
  unexpected: boolean;
  /** For the Retry-After header: the error's own hint, or a default for every 503. */
  retryAfterSeconds?: number;
}

const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** Messages we write ourselves and may show; anything else is replaced by the code's title. */
const SAFE_FRAMEWORK_DETAILS: Partial<Record<ProblemCode, string>> = {
  PayloadTooLarge: 'The request body exceeds 64 KiB',
  UnsupportedMediaType: 'Send the body as application/json',
  MethodNotAllowed: 'This method is not allowed on this resource',
};

/**
 * Turns anything thrown into an RFC 9457 problem that also carries Palette's `code` and `message`.
 * Our errors carry a registered `code` and a message we wrote; framework errors keep only their
 * status; unknown errors become a 500 without internals. No raw input is ever echoed.
 */
export const toProblem = (error: unknown, instance?: string): Problem => {
  const { code, detail, errors, unexpected } = classify(error);
  const { status, title } = PROBLEM_CODES[code];
  const body: ProblemDocument = { type: problemType(code), title, status, detail, instance, code, message: detail };
  if (errors) body.errors = errors;
  const hint = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  const retryAfterSeconds = typeof hint === 'number' ? hint : status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
  return { status, body, unexpected, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
};

const classify = (error: unknown): { code: ProblemCode; detail: string; errors?: FieldError[]; unexpected: boolean } => {
  const candidate = error as { code?: unknown; message?: unknown; errors?: unknown; statusCode?: unknown };
  if (error instanceof Error && isProblemCode(candidate.code)) {
    const errors = Array.isArray(candidate.errors) ? (candidate.errors as FieldError[]) : undefined;
    return { code: candidate.code, detail: error.message, errors, unexpected: false };
  }
  if (isInfrastructureOutage(error)) {
    return { code: 'ServiceUnavailable', detail: 'A backing store is unavailable; retry later', unexpected: true };
  }
  const status = error instanceof HttpException ? error.getStatus() : typeof candidate.statusCode === 'number' ? candidate.statusCode : 500;
  const code = codeForStatus(status);
  if (code === 'InternalError') return { code, detail: 'An unexpected error occurred', unexpected: true };
  if (code === 'InvalidRequest' && isJsonSyntaxError(error)) {
    return { code, detail: 'The body is not valid JSON', errors: [{ field: 'body', message: 'must be valid JSON' }], unexpected: false };
  }
  return { code, detail: SAFE_FRAMEWORK_DETAILS[code] ?? PROBLEM_CODES[code].title, unexpected: false };
};

/** Fastify's body-parser errors, as thrown or as the `cause` Nest wraps them in. */
const isJsonSyntaxError = (error: unknown): boolean => {
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return true;
  return cause !== undefined && cause !== error && isJsonSyntaxError(cause);
};

/**
 * Driver errors that mean "the store cannot serve this right now", not "this request is wrong":
 * network failures, a busy SQLite file or a full disk under it (SQLITE_FULL, SQLITE_IOERR_*, ENOSPC),
 * PostgreSQL's connection (08), insufficient-resources (53), shutdown (57P0x), lock-timeout (55P03)
 * and statement-timeout (57014) errors, and the `pg` client's own errors, which carry no code. They answer 503 so clients retry.
 */
const isInfrastructureOutage = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    return (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOSPC', '55P03', '57014'].includes(code) ||
      /^(08|53|57P0|SQLITE_BUSY|SQLITE_LOCKED|SQLITE_FULL|SQLITE_IOERR)/.test(code)
    );
  }
  return error instanceof Error && PG_CLIENT_TIMEOUTS.has(String(message));
};

const PG_CLIENT_TIMEOUTS = new Set([
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection terminated due to connection timeout',
  // The server went away under a query in progress (a stop, a failover, a dropped socket).
  'Connection terminated unexpectedly',
  'Client has encountered a connection error and is not queryable',
]);
