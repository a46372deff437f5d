import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { InvalidRequestError } from '@keystream/api-keys';
import { type RateBudget, retryAfterSeconds } from '@keystream/rate-limits';
import { MethodNotAllowedError, RateLimitedError, ShuttingDownError } from './edge.errors.js';
import { clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { bodyProblems, queryProblems } from './input-guard.js';

export interface EdgeLimits {
  /** Requests per client address on /v1/ routes; none: no limit. */
  perIp: RateBudget | undefined;
}

interface EdgeLogger {
  error(message: string): void;
  warn(message: string): void;
}

/** Fastify options that route the server's own errors into problem documents. */
export const edgeServerOptions = (logger: EdgeLogger): Partial<FastifyServerOptions> => ({
  frameworkErrors: frameworkErrors(logger),
  clientErrorHandler,
  // Fastify's drain-time 503 is plain JSON; the onRequest hook below answers it as a problem.
  return503OnClosing: false,
});

/**
 * The HTTP edge: hooks that run before Nest's guards, pipes and controllers. Errors thrown here go
 * to Fastify's error handler, which Nest points at the problem-details filter.
 */
export function installEdge(fastify: FastifyInstance, limits: EdgeLimits): void {
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });

  const routes: Array<{ method: string; pattern: RegExp }> = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) routes.push({ method, pattern: routePattern(route.url) });
  });

  const { perIp } = limits;

  fastify.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new ShuttingDownError();
    }
    const path = request.url.split('?')[0] ?? '';
    if (request.is404) {
      // Fastify answers 404 for a known path with another method; HTTP says 405 with Allow.
      const allowed = [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        throw new MethodNotAllowedError(allowed);
      }
    }
    if (perIp && (path.startsWith('/v1/') || path.startsWith('/scim/'))) {
      const spent = await perIp.spend(request.ip);
      if (!spent.allowed) throw new RateLimitedError(retryAfterSeconds(spent), 'client address');
    }
  });

  fastify.addHook('preValidation', async (request) => {
    // SCIM clients send nulls (Entra ID's `"$ref": null`); RFC 7643 §2.5 reads a null as unassigned.
    const errors = [...queryProblems(request.query), ...bodyProblems(request.body, { refuseNull: !request.url.startsWith('/scim/') })];
    if (errors.length > 0) throw new InvalidRequestError(errors);
  });

  fastify.addHook('onSend', async (_request, reply) => {
    reply.removeHeader('x-powered-by');
    reply.header('x-content-type-options', 'nosniff');
  });
}

/** `/v1/apiKeys/:uid/state` → a RegExp for concrete paths; `*` matches the rest. */
const routePattern = (url: string): RegExp => {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
};
