import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthenticatedCaller, CallerStanding } from '@keystream/tenancy';
import { DIRECTORY_USER_QUERIES, type DirectoryUserQueries } from '../views/directory-users/directory-users.queries.js';
import type { DirectoryUserRow } from '../views/directory-users/directory-user.row.js';
import { ScimTokens } from '../scim/scim-tokens.js';

/** What the directory says of a user name now. */
export type Standing = { kind: 'active'; isTenantAdmin: boolean } | { kind: 'inactive' } | { kind: 'unknown' };

/** How long one instance reuses what it read; a change made through this instance is seen at once. */
export const STANDING_CACHE_MS = 1_000;

/**
 * The role check where the caller is resolved, for tenants whose directory is fed over SCIM: a
 * caller's admin power is min(what the credential carries, what the directory grants now), so a key
 * made by an admin acts as a plain user once its owner leaves the tenant-admin group, and a user who
 * joins the group gains nothing for the keys they made before. A deactivated or deleted user is
 * refused outright, whatever the credential. A user the directory does not know keeps their
 * credential but holds no admin power: with SCIM on, admin comes only from the directory's group.
 * Tenants without SCIM are not looked up at all.
 */
@Injectable()
export class DirectoryStanding implements CallerStanding {
  private readonly cache = new LRUCache<string, Standing>({ max: 50_000, ttl: STANDING_CACHE_MS });

  constructor(
    private readonly tokens: ScimTokens,
    @Inject(DIRECTORY_USER_QUERIES) private readonly users: DirectoryUserQueries,
  ) {}

  /** Synchronous for a tenant without SCIM (one Set lookup), so the hot path of those tenants pays nothing more. */
  govern(caller: AuthenticatedCaller): AuthenticatedCaller | Promise<AuthenticatedCaller | undefined> {
    if (!this.tokens.isOn(caller.tenantId)) return caller;
    return this.standingOf(caller.tenantId, caller.userId).then((standing) => governed(caller, standing));
  }

  async standingOf(tenantId: string, userName: string): Promise<Standing> {
    const key = `${tenantId}\u001f${userName.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const standing = standingFrom(await this.users.findByUserName(tenantId, userName));
    this.cache.set(key, standing);
    return standing;
  }

  /** After a change through this instance: its next request reads the views again. */
  forget(tenantId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${tenantId}\u001f`)) this.cache.delete(key);
  }
}

/**
 * Pure: what the directory's rows for one user name (findByUserName) say. A live user stands by its
 * `active`; only deleted rows or a former name's tombstone: inactive; no row: unknown.
 */
export const standingFrom = (rows: readonly Pick<DirectoryUserRow, 'deleted' | 'active' | 'isTenantAdmin'>[]): Standing => {
  const live = rows.find((row) => !row.deleted);
  if (live) return live.active ? { kind: 'active', isTenantAdmin: live.isTenantAdmin } : { kind: 'inactive' };
  return rows.length > 0 ? { kind: 'inactive' } : { kind: 'unknown' };
};

/** Pure: the caller as the directory allows it. */
export const governed = (caller: AuthenticatedCaller, standing: Standing): AuthenticatedCaller | undefined => {
  if (standing.kind === 'inactive') return undefined;
  const isTenantAdmin = caller.isTenantAdmin && standing.kind === 'active' && standing.isTenantAdmin;
  return isTenantAdmin === caller.isTenantAdmin ? caller : { ...caller, isTenantAdmin };
};
