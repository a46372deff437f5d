import { Body, Controller, Get, HttpCode, Inject, Param, Put, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '@keystream/clock';
import { ApiErrors } from '@keystream/problem-details';
import { CurrentCaller } from '@keystream/tenancy';
import { DAY_MS, ForbiddenError, InvalidRequestError, type UserCaller } from '../../domain/index.js';
import { CorrelationId, ExpectedRevision } from '../../http/request-context.js';
import { KEY_LIFETIME_QUERIES, type KeyLifetimeQueries } from '../../views/key-listing/key-listing.lifetime.queries.js';
import { TenantKeyPolicies } from '../application/tenant-key-policies.js';
import { TenantNotFoundError } from '../domain/index.js';
import {
  PolicyViolationList,
  NO_MAXIMUM,
  fromLifetimeDays,
  toLifetimeDays,
  PolicyViolationsRequest,
  SetTenantKeyPolicyRequest,
  TenantKeyPolicyResource,
} from './tenant-policy.dto.js';


/**
 * The policy's ETag is the tenant stream's revision plus one, so the defaults (no stream yet, -1)
 * have an ETag a client can send back too: `"0"` means "the tenant never set a policy".
 */
const policyEtag = (revision: bigint): string => `"${revision + 1n}"`;
const revisionOf = (etag: bigint | undefined): bigint | undefined => (etag === undefined ? undefined : etag - 1n);
const DEFAULT_PAGE = 100;

/** Only the tenant's own admins: another tenant is not found (its existence does not leak), a plain user is refused. */
const requireOwnTenantAdmin = (caller: UserCaller, tenantUid: string): void => {
  if (caller.tenantId !== tenantUid) throw new TenantNotFoundError();
  if (!caller.isTenantAdmin) throw new ForbiddenError("Only a tenant admin can read or set the tenant's API key policy");
};

@ApiTags('tenantPolicy')
@Controller('v1/tenants/:tenantUid/apiKeyPolicy')
export class TenantPolicyController {
  constructor(
    private readonly policies: TenantKeyPolicies,
    @Inject(KEY_LIFETIME_QUERIES) private readonly lifetimes: KeyLifetimeQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's API key policy in force (its own, else the service defaults); tenant admins only" })
  @ApiParam({ name: 'tenantUid' })
  @ApiOkResponse({ type: TenantKeyPolicyResource })
  @ApiErrors(401, 403, 404)
  async get(
    @CurrentCaller() caller: UserCaller,
    @Param('tenantUid') tenantUid: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantKeyPolicyResource> {
    requireOwnTenantAdmin(caller, tenantUid);
    const view = await this.policies.view(tenantUid);
    reply.header('etag', policyEtag(view.revision));
    const { maxKeyLifetimeDays, maxKeysPerUser, requireDescription } = view.policy;
    return {
      tenantUid,
      maxKeyLifetimeDays: toLifetimeDays(maxKeyLifetimeDays),
      maxKeysPerUser,
      requireDescription,
      source: view.source,
      ...(view.setAt ? { setAt: view.setAt } : {}),
    };
  }

  @Put()
  @HttpCode(204)
  @ApiOperation({ summary: "Set the tenant's API key policy (whole); applies to new keys and edits, never cuts existing keys" })
  @ApiParam({ name: 'tenantUid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from GET; a stale one answers 412' })
  @ApiNoContentResponse({ description: 'Set (or already so)' })
  @ApiErrors(400, 401, 403, 404, 409, 412, 413)
  async set(
    @CurrentCaller() caller: UserCaller,
    @Param('tenantUid') tenantUid: string,
    @Body() body: SetTenantKeyPolicyRequest,
    @ExpectedRevision() expectedRevision: bigint | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { maxKeysPerUser, requireDescription } = body;
    const policy = { maxKeyLifetimeDays: fromLifetimeDays(body.maxKeyLifetimeDays), maxKeysPerUser, requireDescription };
    const result = await this.policies.set(caller, tenantUid, policy, { expectedRevision: revisionOf(expectedRevision), correlationId });
    reply.header('etag', policyEtag(result.revision));
  }

  @Get('violations')
  @ApiOperation({ summary: 'Dry run: the live keys whose expiry lies beyond the policy’s lifetime (nothing is changed); tenant admins only' })
  @ApiParam({ name: 'tenantUid' })
  @ApiOkResponse({ type: PolicyViolationList })
  @ApiErrors(400, 401, 403, 404)
  async violations(
    @CurrentCaller() caller: UserCaller,
    @Param('tenantUid') tenantUid: string,
    @Query() query: PolicyViolationsRequest,
  ): Promise<PolicyViolationList> {
    requireOwnTenantAdmin(caller, tenantUid);
    const cursor = query.continue === undefined ? undefined : decodeCursor(query.continue);
    const { policy } = await this.policies.view(tenantUid);
    const lifetime = policy.maxKeyLifetimeDays;
    if (lifetime === null) return { maxKeyLifetimeDays: NO_MAXIMUM, items: [], listmeta: { continue: '', count: 0 } };
    const bound = this.clock.now().getTime() + lifetime * DAY_MS;
    const expiresAfter = new Date(bound).toISOString();
    const page = await this.lifetimes.listKeysExpiringAfter({ tenantId: tenantUid, after: expiresAfter, limit: query.limit ?? DEFAULT_PAGE, cursor });
    const items = page.rows.map((row) => ({
      uid: row.keyId,
      name: row.name,
      ownerUid: row.ownerId,
      expiry: row.expiresAt,
      isActive: row.isActive,
      daysBeyond: Math.ceil((new Date(row.expiresAt).getTime() - bound) / DAY_MS),
    }));
    return { maxKeyLifetimeDays: lifetime, expiresAfter, items, listmeta: { continue: page.next ? encodeCursor(page.next) : '', count: items.length } };
  }
}

const encodeCursor = (cursor: { expiresAt: string; keyId: string }): string => Buffer.from(JSON.stringify([cursor.expiresAt, cursor.keyId])).toString('base64url');

function decodeCursor(text: string): { expiresAt: string; keyId: string } {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) return { expiresAt: value[0], keyId: value[1] };
  } catch {
    // falls through to the refusal below
  }
  throw new InvalidRequestError([{ field: 'continue', message: 'must be a cursor returned by a previous page' }]);
}
