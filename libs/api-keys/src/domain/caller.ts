/** Who is acting, as the tenancy guard resolved it. Every command carries one. */
export interface UserCaller {
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

/** An operator action (the CLI's bootstrap), recorded as done by the system. */
export interface SystemCaller {
  kind: 'system';
  tenantId: string;
}

export type Caller = UserCaller | SystemCaller;

export const isTenantAdmin = (caller: Caller): boolean => caller.kind === 'system' || caller.isTenantAdmin;

export const actorId = (caller: Caller): string => (caller.kind === 'system' ? 'system' : caller.userId);
