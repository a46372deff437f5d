import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { type PreparedProblem, prepareProblem, sendPreparedProblem, sendProblem, toProblem } from '@keystream/problem-details';
import type { ApiKeyAuthenticator } from './api-key-authenticator.port.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import type { CallerStanding } from './caller-standing.port.js';
import { resolveCredentials } from './credentials.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { UnauthorizedError } from './tenancy.errors.js';

/** Where ForwardAuthController declares the route (and the OpenAPI document shows it). */
export const FORWARD_AUTH_PATH = '/v1/auth/verify';

/** Gateways forward what clients send: a key may come as `Authorization: Bearer ks_...` too. */
const GATEWAY = { keyInAuthorization: true } as const;

/** The identity headers a gateway copies to its upstream (nginx: auth_request_set). */
export const IDENTITY_HEADERS = {
  tenant: 'x-keystream-tenant',
  user: 'x-keystream-user',
  key: 'x-keystream-key',
  scope: 'x-keystream-scope',
} as const;

interface Logger {
  error(message: string): void;
  warn(message: string): void;
}

/**
 * Forward-auth as a plain Fastify handler: the guard's rules (a present `apiKey` is the credential,
 * never retried as a token; a key may also come as `Bearer ks_...`), 204 with the identity headers,
 * or the problem document the exception filter would send (sendProblem: same status, body, media
 * type and Retry-After). It is what answers GET and HEAD /v1/auth/verify (installForwardAuthRoute):
 * every gateway request costs one of these, and Nest's per-request machinery (execution context,
 * guards, pipes, interceptors, filter) did nothing for this public route but cost a third of it.
 */
export function forwardAuthHandler(apiKeys: ApiKeyAuthenticator, jwt: Pick<JwtVerifier, 'verify'>, logger: Logger, standing?: CallerStanding) {
  // Every path returns the reply: an async Fastify handler that resolves to undefined before its reply
  // is out (the onSend hooks are async) has it sent a second time, which threw ERR_HTTP_HEADERS_SENT
  // into the error handler and logged a stack per refused request (the wrong-secret flood's cost).
  // Refusals are made once: the 401, and each refusal error the verifier reuses (one per Retry-After).
  const unauthorized = prepareProblem(new UnauthorizedError(), FORWARD_AUTH_PATH);
  const prepared = new WeakMap<object, PreparedProblem>();
  const refuse = (reply: FastifyReply, error: unknown): void => {
    if (typeof error !== 'object' || error === null) return sendProblem(reply, error, FORWARD_AUTH_PATH, logger);
    let known = prepared.get(error);
    if (known === undefined) {
      // Failures (5xx: an outage, a bug) are logged by sendProblem every time, never prepared.
      const { status, unexpected } = toProblem(error, FORWARD_AUTH_PATH);
      if (unexpected || status >= 500) return sendProblem(reply, error, FORWARD_AUTH_PATH, logger);
      prepared.set(error, (known = prepareProblem(error, FORWARD_AUTH_PATH)));
    }
    sendPreparedProblem(reply, known);
  };
  return async function forwardAuth(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    let caller: AuthenticatedCaller | undefined;
    try {
      const resolved = await resolveCredentials(request.headers, apiKeys, jwt, GATEWAY);
      // Where a directory governs the tenant (SCIM), the owner's current standing caps or refuses.
      caller = resolved && standing ? await standing.govern(resolved) : resolved;
    } catch (error) {
      // A spent guessing budget (429) or a store outage (503), as the filter answers them.
      refuse(reply, error);
      return reply;
    }
    if (!caller) {
      sendPreparedProblem(reply, unauthorized);
      return reply;
    }
    // Only now, accepted: a key whose owner the directory refuses was not used.
    if (caller.keyId !== undefined) apiKeys.recordUse(caller.keyId, caller.tenantId, request.ip);
    reply.code(204).headers(
      caller.keyId === undefined
        ? { 'cache-control': 'no-store', [IDENTITY_HEADERS.tenant]: caller.tenantId, [IDENTITY_HEADERS.user]: caller.userId, [IDENTITY_HEADERS.scope]: caller.isTenantAdmin ? 'tenant' : 'user' }
        : {
            'cache-control': 'no-store',
            [IDENTITY_HEADERS.tenant]: caller.tenantId,
            [IDENTITY_HEADERS.user]: caller.userId,
            [IDENTITY_HEADERS.scope]: caller.isTenantAdmin ? 'tenant' : 'user',
            [IDENTITY_HEADERS.key]: caller.keyId,
          },
    );
    return reply.send();
  };
}

/**
 * Makes the route ForwardAuthController declares (GET, and the HEAD Fastify derives from it) answer
 * with forwardAuthHandler, through Fastify's onRoute hook: call before the Nest app registers its
 * routes (app.init). The route stays Nest's in every other way (OpenAPI, 404/405, the global Fastify
 * hooks: the edge's per-IP budget, request ids, latency metrics).
 */
export function installForwardAuthRoute(fastify: FastifyInstance, handler: ReturnType<typeof forwardAuthHandler>): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === FORWARD_AUTH_PATH && methods.every((method) => method === 'GET' || method === 'HEAD')) route.handler = handler;
  });
}
