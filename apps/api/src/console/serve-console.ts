import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppConfig } from '@keystream/config';

/**
 * The web console at /console: the files Vite built into dist/console, served by Fastify directly
 * (not a Nest controller), so they stay out of the OpenAPI document and the /v1/ rate limits.
 */
export async function serveConsole(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const root = consoleDir();
  const csp = contentSecurityPolicy(config.AUTH_OIDC_ISSUER);
  const secure = (reply: FastifyReply) =>
    reply
      .header('content-security-policy', csp)
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('cross-origin-opener-policy', 'same-origin');

  // What the console needs before sign-in; public, and nothing in it is secret.
  fastify.get('/console/config.json', async (_request, reply) => {
    secure(reply).header('cache-control', 'no-store');
    return consoleSettings(config);
  });
  fastify.get('/console', async (_request, reply) => reply.redirect('/console/', 302));

  if (!existsSync(join(root, 'index.html'))) {
    fastify.get('/console/*', async (_request, reply) =>
      secure(reply).code(404).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`.\n'),
    );
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/console/',
    // One route per built file, so the catch-all below can answer the console's own paths.
    wildcard: false,
    index: false,
    decorateReply: true,
    cacheControl: false,
    setHeaders: (reply) => secure(reply as unknown as FastifyReply),
  });
  // Hashed asset names change with their content, so they may be cached for good; the page never.
  // A plain callback, not an async hook: it runs on every reply (API routes too), and an async hook
  // costs a promise per request for what is, outside /console/, one string comparison.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/console/') && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', request.url.startsWith('/console/assets/') && reply.statusCode === 200 ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    done(null, payload);
  });
  // The console routes in the browser (history API): any other page path gets the app's page.
  const page = (_request: unknown, reply: FastifyReply) => secure(reply).type('text/html; charset=utf-8').sendFile('index.html');
  fastify.get('/console/', page);
  fastify.get('/console/*', async (request, reply) => {
    if (request.url.startsWith('/console/assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return page(request, reply);
  });
}

export interface ConsoleSettings {
  /** Present when the console signs in with OpenID Connect (code flow + PKCE). */
  oidc: { issuer: string; clientId: string } | null;
  /** The development sign-in (a pasted token or key) is offered only without OIDC. */
  devSignIn: boolean;
  maxKeyLifetimeDays: number;
  /** Whether anything feeds the audit trail that /v1/audit/events reads. */
  auditEnabled: boolean;
}

export const consoleSettings = (config: AppConfig): ConsoleSettings => {
  const oidc = config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_CLIENT_ID ? { issuer: config.AUTH_OIDC_ISSUER, clientId: config.AUTH_OIDC_CLIENT_ID } : null;
  return { oidc, devSignIn: oidc === null, maxKeyLifetimeDays: config.MAX_KEY_LIFETIME_DAYS, auditEnabled: config.AUDIT_SINK !== 'none' };
};

/** No inline script or style, nothing from elsewhere; the OpenID provider only for the token calls. */
export const contentSecurityPolicy = (issuer: string | undefined): string => {
  const provider = issuer ? ` ${new URL(issuer).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${provider}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${provider}`,
    "frame-ancestors 'none'",
  ].join('; ');
};

/** dist/console beside the built server, found from this file whether it runs from src or from dist. */
const consoleDir = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
};
