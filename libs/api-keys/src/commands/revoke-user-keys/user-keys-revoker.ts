import { Inject, Injectable } from '@nestjs/common';
import { type Caller, type KeyRevokeReason, isTenantAdmin, ForbiddenError } from '../../domain/index.js';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { KEY_LISTING_QUERIES, type KeyListingCursor, type KeyListingQueries } from '../../views/key-listing/key-listing.queries.js';

const PAGE = 500;

export interface RevokeUserKeysResult {
  /** Active keys the user holds (the ones a revoke would touch). */
  count: number;
  /** Keys this call revoked (0 for a dry run; fewer than count when some were revoked meanwhile). */
  revoked: number;
}

/**
 * Revokes every active key of one user of a tenant: one `RevokeKey` per key, each through the key's
 * own stream and decider, so a repeat (a retry, a resumed offboarding) revokes nothing twice. Used
 * by `POST /v1/users/{userUid}/apiKeys/revoke` and by the directory's offboarding processor.
 */
@Injectable()
export class UserKeysRevoker {
  constructor(
    private readonly runner: ApiKeyCommandRunner,
    @Inject(KEY_LISTING_QUERIES) private readonly listing: KeyListingQueries,
  ) {}

  async revokeAll(caller: Caller, userId: string, options: { dryRun: boolean; reason: KeyRevokeReason; correlationId: string }): Promise<RevokeUserKeysResult> {
    if (!isTenantAdmin(caller)) throw new ForbiddenError('Only a tenant admin can revoke every key of a user');
    // A key created just before must be in the listing, or it would escape the revocation.
    await this.runner.requireCurrentViews();
    const keyIds = await this.activeKeyIds(caller.tenantId, userId);
    if (options.dryRun) return { count: keyIds.length, revoked: 0 };
    let revoked = 0;
    for (const keyId of keyIds) {
      const result = await this.runner.run(keyId, (now) => ({ type: 'RevokeKey', caller, keyId, now, reason: options.reason }), {
        correlationId: options.correlationId,
      });
      if (result.changed) revoked++;
    }
    return { count: keyIds.length, revoked };
  }

  private async activeKeyIds(tenantId: string, ownerId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: KeyListingCursor | undefined;
    do {
      const page = await this.listing.listKeys({ tenantId, ownerId, isActive: true, limit: PAGE, after });
      ids.push(...page.rows.map((row) => row.keyId));
      after = page.next;
    } while (after);
    return ids;
  }
}
