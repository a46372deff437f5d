/**
 * The audit routes' own refusals, with the registry's codes, so this lib needs nothing from
 * api-keys (the problem-details filter maps them by code like every other error).
 */
export class AuditInvalidRequestError extends Error {
  readonly code = 'InvalidRequest';
  override name = 'AuditInvalidRequestError';
  constructor(readonly errors: { field: string; message: string }[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}
