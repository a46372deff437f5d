/** One class per expected failure, each with a stable code; SCIM's status and scimType are given at the HTTP edge. */
export type DirectoryErrorCode = 'DirectoryUserNotFound' | 'DirectoryUserExists';

export abstract class DirectoryError extends Error {
  abstract readonly code: DirectoryErrorCode;
  override get name(): string {
    return this.constructor.name;
  }
}

export class DirectoryUserNotFoundError extends DirectoryError {
  readonly code = 'DirectoryUserNotFound';
  constructor(userId: string) {
    super(`User ${userId} not found`);
  }
}

export class DirectoryUserExistsError extends DirectoryError {
  readonly code = 'DirectoryUserExists';
  constructor(what: string) {
    super(`${what} already exists`);
  }
}
