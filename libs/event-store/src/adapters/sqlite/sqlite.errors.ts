import { driverErrorTranslator } from '@keystream/store-errors';
import { EventStoreBusyError, EventStoreUnavailableError } from '../../event-store.errors.js';

/** better-sqlite3's errors as the port's: a file locked past busy_timeout is busy; others pass unchanged. */
export const translateSqliteError = driverErrorTranslator({ store: 'SQLite event store', busy: EventStoreBusyError, unavailable: EventStoreUnavailableError });

/** Runs a synchronous SQLite step, throwing the port's error for a driver failure. */
export const translatingSqliteErrors = <T>(step: () => T): T => {
  try {
    return step();
  } catch (error) {
    throw translateSqliteError(error);
  }
};
