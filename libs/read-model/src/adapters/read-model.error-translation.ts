import { type Dialect, driverErrorTranslator, translatingErrors } from '@keystream/store-errors';
import { ReadModelBusyError, ReadModelUnavailableError } from '../read-model.errors.js';

/** A pg or better-sqlite3 error as the read model port's; anything that is not an outage passes unchanged. */
export const translateReadModelError = driverErrorTranslator({ store: 'Read model', busy: ReadModelBusyError, unavailable: ReadModelUnavailableError });

/** The dialect every read-model query goes through, so each throws the port's errors. */
export const withReadModelErrors = (dialect: Dialect): Dialect => translatingErrors(dialect, translateReadModelError);
