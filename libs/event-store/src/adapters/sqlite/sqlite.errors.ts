import { classifyDriverError } from '@keystream/store-errors';
import { EventStoreBusyError, EventStoreUnavailableError } from '../../event-store.errors.js';

/** better-sqlite3's errors as the port's: a file locked past busy_timeout is busy; others pass unchanged. */
export const translateSqliteError = (error: unknown): unknown => {
  switch (classifyDriverError(error)) {
    case 'busy':
      return new EventStoreBusyError({ cause: error });
    case 'unavailable':
      return new EventStoreUnavailableError(`SQLite event store failed: ${(error as Error).message}`, { cause: error });
    default:
      return error;
  }
};

/** Runs a synchronous SQLite step, throwing the port's error for a driver failure. */
export const translatingSqliteErrors = <T>(step: () => T): T => {
  try {
    return step();
  } catch (error) {
    throw translateSqliteError(error);
  }
};
