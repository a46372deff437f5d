import { classifyDriverError, type Dialect, translatingErrors } from '@keystream/store-errors';
import { ReadModelBusyError, ReadModelUnavailableError } from '../read-model.errors.js';

/** A pg or better-sqlite3 error as the read model port's; anything that is not an outage passes unchanged. */
export const translateReadModelError = (error: unknown): unknown => {
  switch (classifyDriverError(error)) {
    case 'busy':
      return new ReadModelBusyError({ cause: error });
    case 'unavailable':
      return new ReadModelUnavailableError(`Read model unavailable: ${(error as Error).message}`, { cause: error });
    default:
      return error;
  }
};

/** The dialect every read-model query goes through, so each throws the port's errors. */
export const withReadModelErrors = (dialect: Dialect): Dialect => translatingErrors(dialect, translateReadModelError);
