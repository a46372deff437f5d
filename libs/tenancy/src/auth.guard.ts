import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { API_KEY_AUTHENTICATOR, type ApiKeyAuthenticator } from './api-key-authenticator.port.js';
import { CALLER_STANDING, type CallerStanding } from './caller-standing.port.js';
import { resolveCredentials } from './credentials.js';
import { JwtVerifier } from './jwt-verifier.js';
import { UnauthorizedError } from './tenancy.errors.js';

const IS_PUBLIC = 'keystream:public';
/** Keys only in the apiKey header on the management API (see resolveCredentials). */
const MANAGEMENT = { keyInAuthorization: false } as const;
/** Marks a route that needs no credentials (health, readiness, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export type AuthenticatedRequest = FastifyRequest & { caller?: AuthenticatedCaller };

/**
 * Resolves every request's caller from its credentials (resolveCredentials: `apiKey`, or
 * `Authorization` with a JWT or a Keystream key). A present but invalid `apiKey` is refused
 * outright, never retried as a token, so one bad credential cannot hide behind another.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtVerifier,
    @Inject(API_KEY_AUTHENTICATOR) private readonly apiKeys: ApiKeyAuthenticator,
    /** Present when a directory (SCIM) may govern tenants: the owner's current role caps the caller's. */
    @Optional() @Inject(CALLER_STANDING) private readonly standing?: CallerStanding,
  ) {}

  /** Whether each handler (of each controller class) is public, read from its metadata once: every request asks. */
  private readonly publicHandlers = new WeakMap<object, WeakMap<object, boolean>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const resolved = await resolveCredentials(request.headers, this.apiKeys, this.jwt, MANAGEMENT);
    const caller = resolved && this.standing ? await this.standing.govern(resolved) : resolved;
    if (!caller) throw new UnauthorizedError();
    // Only now, accepted: a key whose owner the directory refuses was not used.
    if (caller.keyId !== undefined) this.apiKeys.recordUse(caller.keyId, caller.tenantId, request.ip);
    request.caller = caller;
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.publicHandlers.get(controller);
    if (!handlers) this.publicHandlers.set(controller, (handlers = new WeakMap()));
    let known = handlers.get(handler);
    if (known === undefined) {
      known = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true;
      handlers.set(handler, known);
    }
    return known;
  }
}
