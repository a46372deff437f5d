import type { AuthenticatedCaller } from './authenticated-caller.js';

export const CALLER_STANDING = Symbol('CALLER_STANDING');

/**
 * The owner's current standing, where a directory governs the tenant (SCIM on): the caller as the
 * directory allows it now (admin power capped by the directory's role), or undefined to refuse a
 * user the directory deactivated or deleted. Tenants without a directory get the caller back as is.
 */
export interface CallerStanding {
  govern(caller: AuthenticatedCaller): Promise<AuthenticatedCaller | undefined> | AuthenticatedCaller | undefined;
}
