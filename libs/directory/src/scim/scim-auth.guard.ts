import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ScimError } from './scim.errors.js';
import { ScimTokens } from './scim-tokens.js';

type ScimRequest = FastifyRequest & { scimTenant?: string };

/** `Authorization: Bearer <token>`, a token configured for one tenant: every SCIM request acts in it. */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(private readonly tokens: ScimTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ScimRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    const tenant = token === undefined ? undefined : this.tokens.tenantOf(token);
    if (tenant === undefined) throw new ScimError(401, 'Missing or invalid SCIM bearer token');
    request.scimTenant = tenant;
    return true;
  }
}

/** The tenant the SCIM bearer token belongs to. */
export const ScimTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenant = context.switchToHttp().getRequest<ScimRequest>().scimTenant;
  if (tenant === undefined) throw new ScimError(401, 'Missing or invalid SCIM bearer token');
  return tenant;
});
