import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

/**
 * The request header by which a client asks for Keystream's members beyond Palette's published
 * spec (`listmeta` on lists, `status.expired` on keys). Clients generated strictly from Palette's
 * spec refuse members they do not know, so by default a response carries Palette's members only.
 */
export const EXTENSIONS_HEADER = 'keystream-extensions';

export const wantsExtensions = (request: Pick<FastifyRequest, 'headers'>): boolean => {
  const value = request.headers[EXTENSIONS_HEADER];
  return value === 'true' || value === '1';
};

/** True when the request opted in to Keystream's extension members. */
export const Extensions = createParamDecorator((_: unknown, context: ExecutionContext): boolean =>
  wantsExtensions(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** Documents the opt-in header on a route. */
export const ApiExtensionsHeader = () =>
  ApiHeader({
    name: 'Keystream-Extensions',
    required: false,
    description: '`true` adds Keystream\'s members beyond Palette\'s spec (`status.expired`, `status.lastUsedAt` and `status.lastUsedFrom` on keys; `listmeta` on lists; `role` on users/info)',
    schema: { type: 'string', enum: ['true', 'false'] },
  });
