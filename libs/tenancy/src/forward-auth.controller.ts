import { Controller, Get, HttpCode, Inject, Logger, Optional } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@keystream/problem-details';
import { API_KEY_AUTHENTICATOR, type ApiKeyAuthenticator } from './api-key-authenticator.port.js';
import { CALLER_STANDING, type CallerStanding } from './caller-standing.port.js';
import { Public } from './auth.guard.js';
import { FORWARD_AUTH_PATH, forwardAuthHandler } from './forward-auth.route.js';
import { JwtVerifier } from './jwt-verifier.js';

/**
 * Forward authentication for gateways (nginx auth_request, Envoy ext_authz over HTTP, Traefik
 * ForwardAuth): 204 with who the credentials act as, or the same 401/429 problem any route gives.
 * Public, since the credentials checked are the ones being forwarded, not the gateway's. The body is
 * always empty on success and never echoes the credential. The answer is forwardAuthHandler's, which
 * createApp installs as the route's Fastify handler (installForwardAuthRoute), so a request skips
 * Nest's per-request machinery: this class declares and documents the route and builds the handler.
 */
@ApiTags('auth')
@Controller('v1/auth')
export class ForwardAuthController {
  constructor(
    @Inject(API_KEY_AUTHENTICATOR) private readonly apiKeys: ApiKeyAuthenticator,
    private readonly jwt: JwtVerifier,
    @Optional() @Inject(CALLER_STANDING) private readonly standing?: CallerStanding,
  ) {}

  /** The route's one answer, for createApp to install as the raw Fastify handler. */
  readonly handler = forwardAuthHandler(this.apiKeys, this.jwt, new Logger('Problem'), this.standing);

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
  verify(): never {
    // Never reached while createApp installs the handler (its e2e test proves it); fail closed, never a 204.
    throw new Error(`${FORWARD_AUTH_PATH} is answered by forwardAuthHandler: call installForwardAuthRoute before app.init`);
  }
}
