import { Body, Controller, HttpCode, Inject, Optional, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '@keystream/problem-details';
import { CALLER_STANDING, type CallerStanding, CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { KeyVerifier } from '../../application/key-verifier.js';
import type { Verification } from '../../application/verification.js';
import type { KeyVerificationRow } from '../../views/key-verification/key-verification.row.js';
import { VerifyKeyRequest } from './verify-key.request.dto.js';
import { VerifyKeyResponse } from './verify-key.response.dto.js';

/**
 * For a service that holds a key presented to it and asks who it is. Any authenticated caller may
 * ask (so the route has the guard, the rate limits and the key id's guessing budget of every other),
 * but what it learns is bounded by what it may see:
 * - VALID with the key's members when the key is of the caller's own tenant (the caller holds the value);
 * - REVOKED, EXPIRED, DELETED, RATE_LIMITED with the members only to the key's owner or a tenant admin
 *   of its tenant (the rule of GET /v1/apiKeys/{uid}), since these are answered from the key id alone;
 * - NOT_FOUND otherwise: another tenant's key, valid or not, is indistinguishable from no key.
 * A valid key is then put to the directory's standing (where SCIM governs the tenant), as the guard
 * and forward-auth do: an owner the directory deactivated or deleted (or a renamed user's former name)
 * answers OWNER_DEACTIVATED, and the scope shown is the key's role capped by the owner's current one.
 */
@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class VerifyKeyController {
  constructor(
    private readonly verifier: KeyVerifier,
    /** Absent where no directory is composed: the key's own role stands. */
    @Optional() @Inject(CALLER_STANDING) private readonly standing?: CallerStanding,
  ) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a key value: { valid, code } and, for a key the caller may see, who it is' })
  @ApiOkResponse({ type: VerifyKeyResponse })
  @ApiErrors(400, 401, 413)
  async verify(@CurrentCaller() caller: UserCaller, @Body() body: VerifyKeyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<VerifyKeyResponse> {
    reply.header('cache-control', 'no-store');
    // A use is recorded only once the answer is VALID (the value's own tenant, the owner in good standing),
    // without an address: the caller here is the service that holds the key, not where the key was used.
    const outcome = await this.verifier.verify(body.key);
    const shown = visibleTo(caller, outcome);
    if (shown.code === 'RATE_LIMITED') reply.header('retry-after', String(shown.retryAfterSeconds));
    if (shown.valid) {
      const governed = this.standing ? await this.standing.govern(shown.caller) : shown.caller;
      if (!governed) return { valid: false, code: 'OWNER_DEACTIVATED', ...describe(shown.key) };
      this.verifier.recordUse(shown.key.keyId, shown.key.tenantId);
      return { valid: true, code: 'VALID', ...describe(shown.key), scope: governed.isTenantAdmin ? 'tenant' : 'user' };
    }
    return 'key' in shown ? { valid: shown.valid, code: shown.code, ...describe(shown.key) } : { valid: false, code: shown.code };
  }
}

const NOT_FOUND = { valid: false, code: 'NOT_FOUND' } as const;

const visibleTo = (caller: UserCaller, outcome: Verification): Verification => {
  if (!('key' in outcome)) return outcome;
  if (outcome.key.tenantId !== caller.tenantId) return NOT_FOUND;
  if (outcome.valid) return outcome;
  return caller.isTenantAdmin || caller.userId === outcome.key.ownerId ? outcome : NOT_FOUND;
};

const describe = (key: KeyVerificationRow) => ({
  keyUid: key.keyId,
  tenantUid: key.tenantId,
  ownerUid: key.ownerId,
  scope: key.scope,
  expiresAt: key.expiresAt,
});
