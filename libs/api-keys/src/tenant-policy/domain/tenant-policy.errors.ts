import { ApiKeyError } from '../../domain/index.js';

/** A tenant other than the caller's: reported as not found, as for keys, so its existence does not leak. */
export class TenantNotFoundError extends ApiKeyError {
  readonly code = 'ResourceNotFound';
  constructor() {
    super('Tenant not found');
  }
}
