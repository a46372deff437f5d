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

  // Callback hooks, not async ones: every request runs them, and an async hook costs a promise and a
  // microtask each even when it has nothing to do (the common case: the per-IP budget off or not due).
  fastify.addHook('onRequest', (request, reply, done) => {
    if (closing) {
      reply.header('connection', 'close');
      return done(new ShuttingDownError());
    }
    if (request.is404) {
      // Fastify answers 404 for a known path with another method; HTTP says 405 with Allow.
      const path = pathOf(request.url);
      const allowed = [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return done(new MethodNotAllowedError(allowed));
      }
    }
    if (!perIp || !(request.url.startsWith('/v1/') || request.url.startsWith('/scim/'))) return done();
    perIp.spend(request.ip).then(
      (spent) => done(spent.allowed ? undefined : new RateLimitedError(retryAfterSeconds(spent), 'client address')),
      (error: Error) => done(error),
    );
  });

  fastify.addHook('preValidation', (request, _reply, done) => {
    // SCIM clients send nulls (Entra ID's `"$ref": null`); RFC 7643 §2.5 reads a null as unassigned.
    const errors = [...queryProblems(request.query), ...bodyProblems(request.body, { refuseNull: !request.url.startsWith('/scim/') })];
    done(errors.length > 0 ? new InvalidRequestError(errors) : undefined);
  });

  fastify.addHook('onSend', (_request, reply, payload, done) => {
    reply.removeHeader('x-powered-by');
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
}

const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** `/v1/apiKeys/:uid/state` → a RegExp for concrete paths; `*` matches the rest. */
const routePattern = (url: string): RegExp => {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
};
