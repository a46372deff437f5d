import { Controller, Get, HttpCode, Inject, Optional, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '@keystream/problem-details';
import { API_KEY_AUTHENTICATOR, type ApiKeyAuthenticator } from './api-key-authenticator.port.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { CALLER_STANDING, type CallerStanding } from './caller-standing.port.js';
import { Public } from './auth.guard.js';
import { JwtVerifier } from './jwt-verifier.js';
import { UnauthorizedError } from './tenancy.errors.js';

/** Every Keystream key value starts with it (libs/secrets): how a key is told from a JWT in Authorization. */
const API_KEY_PREFIX = 'ks_';

/** The identity headers a gateway copies to its upstream (nginx: auth_request_set). */
export const IDENTITY_HEADERS = {
  tenant: 'x-keystream-tenant',
  user: 'x-keystream-user',
  key: 'x-keystream-key',
  scope: 'x-keystream-scope',
} as const;

/**
 * Forward authentication for gateways (nginx auth_request, Envoy ext_authz over HTTP, Traefik
 * ForwardAuth): 204 with who the credentials act as, or the same 401/429 problem any route gives.
 * Public, since the credentials checked are the ones being forwarded, not the gateway's. The body is
 * always empty on success and never echoes the credential.
 */
@ApiTags('auth')
@Controller('v1/auth')
export class ForwardAuthController {
  constructor(
    @Inject(API_KEY_AUTHENTICATOR) private readonly apiKeys: ApiKeyAuthenticator,
    private readonly jwt: JwtVerifier,
    @Optional() @Inject(CALLER_STANDING) private readonly standing?: CallerStanding,
  ) {}

  @Public()
  @Get('verify')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Forward-auth: 204 with identity headers when the apiKey (or Authorization) credential is valid',
    description:
      'For nginx `auth_request`, Envoy `ext_authz` (HTTP) and Traefik `ForwardAuth`. On success the response has no body and carries ' +
      '`X-Keystream-Tenant`, `X-Keystream-User`, `X-Keystream-Scope` (`tenant` for a tenant-admin key or an admin token, else `user`) and, for a key, ' +
      '`X-Keystream-Key`. `Authorization` may carry a Keystream key (`Bearer ks_...`) or a JWT. HEAD answers the same.',
  })
  @ApiHeader({ name: 'apiKey', required: false, description: 'The Keystream key to check' })
  @ApiNoContentResponse({ description: 'Valid credentials; identity in the X-Keystream-* headers' })
  @ApiErrors(401)
  async verify(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(request);
    const caller = resolved && this.standing ? await this.standing.govern(resolved) : resolved;
    if (!caller) throw new UnauthorizedError();
    reply
      .header('cache-control', 'no-store')
      .header(IDENTITY_HEADERS.tenant, caller.tenantId)
      .header(IDENTITY_HEADERS.user, caller.userId)
      .header(IDENTITY_HEADERS.scope, caller.isTenantAdmin ? 'tenant' : 'user');
    if (caller.keyId !== undefined) reply.header(IDENTITY_HEADERS.key, caller.keyId);
  }

  /** The guard's rules (a present `apiKey` is the credential, never retried as a token), and a key may also come as `Bearer ks_...`. */
  private resolve(request: FastifyRequest): Promise<AuthenticatedCaller | undefined> | undefined {
    const apiKey = single(request.headers['apikey']);
    const credential = apiKey ?? single(request.headers.authorization)?.replace(/^Bearer\s+/i, '');
    const value = credential?.trim();
    if (!value) return undefined;
    // The key verifier's outcome as the guard sees it: a caller, a refusal, or its 429 thrown.
    return apiKey !== undefined || value.startsWith(API_KEY_PREFIX) ? this.apiKeys.authenticate(value, request.ip) : this.jwt.verify(value);
  }
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? undefined : value);
