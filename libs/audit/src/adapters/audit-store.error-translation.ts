import { type Dialect, driverErrorTranslator, translatingErrors } from '@keystream/store-errors';
import { AuditStoreBusyError, AuditStoreUnavailableError } from '../audit-store.errors.js';

/** A pg or better-sqlite3 error as the audit store port's; anything that is not an outage passes unchanged. */
export const translateAuditStoreError = driverErrorTranslator({ store: 'Audit store', busy: AuditStoreBusyError, unavailable: AuditStoreUnavailableError });

/** The dialect every audit-store query goes through, so each throws the port's errors. */
export const withAuditStoreErrors = (dialect: Dialect): Dialect => translatingErrors(dialect, translateAuditStoreError);
