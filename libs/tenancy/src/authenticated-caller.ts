/**
 * Who a request acts as, once the guard has checked its credentials. Tenancy owns this type; the
 * api-keys domain has its own `UserCaller` of the same shape (checked where both are in view, in
 * api-keys.module.ts), so neither lib imports the other's types in both directions.
 */
export interface AuthenticatedCaller {
  kind: 'user';
  tenantId: string;
  userId: string;
  isTenantAdmin: boolean;
  /** How the caller authenticated: an identity-provider token, or one of our keys. */
  via: 'jwt' | 'apiKey';
  /** The key used, when `via` is `apiKey`. */
  keyId?: string;
  firstName?: string;
  lastName?: string;
}
