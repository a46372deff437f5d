/** The schema could not be brought to the latest version; the process must not start on it. */
export class ReadModelMigrationError extends Error {
  readonly code = 'ReadModelMigrationFailed' as const;
  constructor(
    readonly migrationName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Read-model migration ${migrationName ?? '(setup)'} failed`, options);
    this.name = 'ReadModelMigrationError';
  }
}

/**
 * A read-model method was called from inside `transaction()` instead of through its `tx` handle.
 * On SQLite that call would wait forever for the connection the transaction holds, so it is refused
 * on every adapter to keep them alike.
 */
export class ReadModelReentrancyError extends Error {
  readonly code = 'ReadModelReentrantCall' as const;
  constructor(readonly method: string) {
    super(`ReadModel.${method}() called inside transaction(); use the transaction handle instead`);
    this.name = 'ReadModelReentrancyError';
  }
}
