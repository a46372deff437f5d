/**
 * One class per expected failure, each with a stable code in Palette's style. The HTTP status for
 * each code lives in the problem-details registry, not here: the domain knows no transport.
 */
export type ApiKeyErrorCode =
  | 'InvalidRequest'
  | 'ResourceNotFound'
  | 'Forbidden'
  | 'ApiKeyOwnerImmutable'
  | 'ApiKeyLimitReached'
  | 'ApiKeyExpired'
  | 'ConcurrencyConflict'
  | 'ApiKeyLeaked';

export abstract class ApiKeyError extends Error {
  /** A union, so a new class names its code here, and http/problem-codes.check.ts then needs it registered. */
  abstract readonly code: ApiKeyErrorCode;
  override get name(): string {
    return this.constructor.name;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class InvalidRequestError extends ApiKeyError {
  readonly code = 'InvalidRequest';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Also what a caller gets for a key they may not see, so its existence does not leak. */
export class KeyNotFoundError extends ApiKeyError {
  readonly code = 'ResourceNotFound';
  constructor(keyId: string) {
    super(keyId ? `API key ${keyId} not found` : 'API key not found');
  }
}

export class ForbiddenError extends ApiKeyError {
  readonly code = 'Forbidden';
}

export class OwnerImmutableError extends ApiKeyError {
  readonly code = 'ApiKeyOwnerImmutable';
  constructor() {
    super('An API key cannot be reassigned to another user');
  }
}

export class KeyLimitReachedError extends ApiKeyError {
  readonly code = 'ApiKeyLimitReached';
  constructor(limit: number) {
    super(`The user already holds the maximum of ${limit} API keys`);
  }
}

export class KeyExpiredError extends ApiKeyError {
  readonly code = 'ApiKeyExpired';
  constructor(message = 'An expired API key cannot be re-activated; set a new expiry first') {
    super(message);
  }
}

/** Its value was reported exposed (POST /v1/apiKeys/leaked): that value must never work again (a rotation replaces it). */
export class KeyLeakedError extends ApiKeyError {
  readonly code = 'ApiKeyLeaked';
  constructor() {
    super('This API key was reported leaked and cannot be re-activated with that value; rotate it (no grace) or create a new one');
  }
}

export class KeyAlreadyExistsError extends ApiKeyError {
  readonly code = 'ConcurrencyConflict';
  constructor(keyId: string) {
    super(`API key ${keyId} already exists`);
  }
}
