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
 * The read model cannot take this request right now (every lock connection busy, a lock held
 * elsewhere past the lock timeout, the adapter closing); nothing was written, and a retry may work.
 */
export class ReadModelBusyError extends Error {
  readonly code = 'ServiceUnavailable' as const;
  readonly retryAfterSeconds = 1;
  constructor(options?: { cause?: unknown }) {
    super('The service is busy; retry later', options);
    this.name = 'ReadModelBusyError';
  }
}
