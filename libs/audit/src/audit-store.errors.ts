import { StoreBusyError, StoreUnavailableError } from '@keystream/store-errors';

/** The audit store's database is down, unreachable or timed out. */
export class AuditStoreUnavailableError extends StoreUnavailableError {}

/** The audit store's file is locked by another writer past its busy timeout. */
export class AuditStoreBusyError extends StoreBusyError {
  constructor(options?: { cause?: unknown }) {
    super('The audit store is busy', 1, options);
  }
}
