import { HttpException } from '@nestjs/common';
import { StoreBusyError, StoreUnavailableError } from '@keystream/store-errors';
import { PROBLEM_CODES, type ProblemCode, codeForStatus, isProblemCode, problemType } from './problem-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * What an error class declares (`implements ExpectedProblem`) to be answered with its own code and
 * message: a refusal we wrote for clients. The code is typed against the registry, so a class
 * with an unregistered code does not compile.
 */
export interface ExpectedProblem {
  readonly code: ProblemCode;
  readonly message: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
}

interface Classified {
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  unexpected: boolean;
}

/**
 * Failures answered by their class alone, never by their message (a driver's text can name a host
 * or carry SQL). Every port's outage and busy errors extend one of these; the first match wins.
 */
const BY_CLASS: readonly { type: abstract new (...args: never[]) => Error; problem: Classified }[] = [
  // An expected refusal, logged at warn: the store is up but full.
  { type: StoreBusyError, problem: { code: 'ServiceUnavailable', detail: 'The service is busy; retry later', unexpected: false } },
  // An outage, logged with its stack and cause.
  { type: StoreUnavailableError, problem: { code: 'ServiceUnavailable', detail: 'A backing store is unavailable; retry later', unexpected: true } },
];

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

const classify = (error: unknown): Classified => {
  const byClass = BY_CLASS.find(({ type }) => error instanceof type);
  if (byClass) return byClass.problem;
  if (isExpectedProblem(error)) {
    return { code: error.code, detail: error.message, errors: error.errors ? [...error.errors] : undefined, unexpected: false };
  }
  const candidate = error as { statusCode?: unknown };
  const status = error instanceof HttpException ? error.getStatus() : typeof candidate.statusCode === 'number' ? candidate.statusCode : 500;
  const code = codeForStatus(status);
  if (code === 'InternalError') return { code, detail: 'An unexpected error occurred', unexpected: true };
  if (code === 'InvalidRequest' && isJsonSyntaxError(error)) {
    return { code, detail: 'The body is not valid JSON', errors: [{ field: 'body', message: 'must be valid JSON' }], unexpected: false };
  }
  return { code, detail: SAFE_FRAMEWORK_DETAILS[code] ?? PROBLEM_CODES[code].title, unexpected: false };
};

/** Our own refusals: an Error whose `code` is registered (the classes say so with `implements ExpectedProblem`). */
const isExpectedProblem = (error: unknown): error is Error & ExpectedProblem =>
  error instanceof Error && isProblemCode((error as { code?: unknown }).code);

/** Fastify's body-parser errors, as thrown or as the `cause` Nest wraps them in. */
const isJsonSyntaxError = (error: unknown): boolean => {
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return true;
  return cause !== undefined && cause !== error && isJsonSyntaxError(cause);
};
