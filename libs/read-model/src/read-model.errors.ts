import { StoreBusyError, StoreUnavailableError } from '@keystream/store-errors';

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
 * elsewhere past the lock timeout, the SQLite file locked, the adapter closing); nothing was
 * written, and a retry may work.
 */
export class ReadModelBusyError extends StoreBusyError {
  constructor(options?: { cause?: unknown }) {
    super('The read model is busy', 1, options);
  }
}

/** The read model's database is down, unreachable or timed out. */
export class ReadModelUnavailableError extends StoreUnavailableError {}
