import { classifyDriverError, type Dialect, translatingErrors } from '@keystream/store-errors';
import { AuditStoreBusyError, AuditStoreUnavailableError } from '../audit-store.errors.js';

/** A pg or better-sqlite3 error as the audit store port's; anything that is not an outage passes unchanged. */
export const translateAuditStoreError = (error: unknown): unknown => {
  switch (classifyDriverError(error)) {
    case 'busy':
      return new AuditStoreBusyError({ cause: error });
    case 'unavailable':
      return new AuditStoreUnavailableError(`Audit store unavailable: ${(error as Error).message}`, { cause: error });
    default:
      return error;
  }
};

/** The dialect every audit-store query goes through, so each throws the port's errors. */
export const withAuditStoreErrors = (dialect: Dialect): Dialect => translatingErrors(dialect, translateAuditStoreError);
