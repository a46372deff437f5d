import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';

/** Seconds: the warm path is sub-millisecond, a command a few milliseconds, a cold scrypt run ~60 ms. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const VERIFICATION_ROUTES = new Set(['/v1/auth/verify', '/v1/apiKeys/verify']);
const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Latency of the hot routes, by route template and outcome (the status code), measured by Fastify
 * from the request's arrival to the response's end. Registered by MetricsController; the hook is
 * installed by createApp before the routes, so it sees every one of them.
 */
@Injectable()
export class RouteLatencyMetrics {
  readonly verification = new Histogram({
    name: 'keystream_verification_duration_seconds',
    help: 'Latency of the verification routes (forward-auth, JSON verify), by route and outcome (status code)',
    labelNames: ['route', 'outcome'],
    buckets: BUCKETS,
    registers: [],
  });

  readonly command = new Histogram({
    name: 'keystream_command_duration_seconds',
    help: 'Latency of the API key commands (create, edit, revoke/re-activate, delete), by route, method and outcome (status code)',
    labelNames: ['route', 'method', 'outcome'],
    buckets: BUCKETS,
    registers: [],
  });

  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined) {
        if (VERIFICATION_ROUTES.has(route)) this.verification.labels(route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
        else if (COMMAND_METHODS.has(request.method) && route.startsWith('/v1/apiKeys')) {
          this.command.labels(route, request.method, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
        }
      }
      done();
    });
  }
}
