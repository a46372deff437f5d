import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { FORWARD_AUTH_PATH, IDENTITY_HEADERS, forwardAuthHandler, installForwardAuthRoute } from './forward-auth.route.js';

const KEY = 'ks_valid';
const keyCaller: AuthenticatedCaller = { kind: 'user', tenantId: 't1', userId: 'u1', isTenantAdmin: false, via: 'apiKey', keyId: 'k1' };
const tokenCaller: AuthenticatedCaller = { kind: 'user', tenantId: 't1', userId: 'admin', isTenantAdmin: true, via: 'jwt' };

class Limited extends Error {
  readonly code = 'TooManyRequests';
  readonly retryAfterSeconds = 7;
}

const seen: string[] = [];
/** Last-used records, as the verifier's recorder would get them. */
const used: string[] = [];
const apiKeys = {
  async authenticate(value: string) {
    seen.push(`key:${value}`);
    if (value === 'ks_limited') throw new Limited('Too many failed attempts with this API key; retry later');
    return value === KEY ? keyCaller : undefined;
  },
  recordUse(keyId: string, tenantId: string, source?: string) {
    used.push(`${tenantId}/${keyId}@${source}`);
  },
};
const jwt = {
  async verify(token: string) {
    seen.push(`jwt:${token}`);
    return token === 'good.jwt' ? tokenCaller : undefined;
  },
};
const logged: string[] = [];
const logger = { error: (message: string) => logged.push(message), warn: (message: string) => logged.push(message) };

/** As createApp does: the hook first, then the route as Nest registers it (with a handler that must not run). */
async function app(): Promise<FastifyInstance> {
  const fastify = Fastify();
  installForwardAuthRoute(fastify, forwardAuthHandler(apiKeys, jwt, logger));
  fastify.get(FORWARD_AUTH_PATH, async () => ({ answeredBy: 'the declared handler' }));
  fastify.get('/other', async () => ({ answeredBy: 'the declared handler' }));
  await fastify.ready();
  return fastify;
}

describe('forward-auth as a plain Fastify handler', () => {
  let fastify: FastifyInstance | undefined;
  afterEach(async () => {
    await fastify?.close();
    seen.length = 0;
    used.length = 0;
    logged.length = 0;
  });

  it('answers GET and HEAD of the route with 204 and the identity headers, no body; other routes keep their handler', async () => {
    fastify = await app();
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await fastify.inject({ method, url: FORWARD_AUTH_PATH, headers: { apikey: ` ${KEY} ` } });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(response.headers).toMatchObject({
        [IDENTITY_HEADERS.tenant]: 't1', [IDENTITY_HEADERS.user]: 'u1', [IDENTITY_HEADERS.scope]: 'user', [IDENTITY_HEADERS.key]: 'k1', 'cache-control': 'no-store',
      });
    }
    expect((await fastify.inject({ method: 'GET', url: '/other' })).json()).toEqual({ answeredBy: 'the declared handler' });
  });

  it('takes a key as Bearer ks_..., a JWT otherwise, and never retries a present apiKey as a token', async () => {
    fastify = await app();
    const byBearer = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { authorization: `Bearer ${KEY}` } });
    expect(byBearer.statusCode).toBe(204);
    const byToken = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { authorization: 'good.jwt' } });
    expect(byToken.statusCode).toBe(204);
    expect(byToken.headers[IDENTITY_HEADERS.scope]).toBe('tenant');
    expect(byToken.headers[IDENTITY_HEADERS.key]).toBeUndefined();
    const both = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { apikey: 'ks_wrong', authorization: 'good.jwt' } });
    expect(both.statusCode).toBe(401);
    expect(seen).toEqual([`key:${KEY}`, 'jwt:good.jwt', 'key:ks_wrong']);
  });

  it('refuses with the 401 problem the exception filter sends, in the media type Accept asks for, without the key', async () => {
    fastify = await app();
    for (const headers of [{}, { apikey: '  ' }, { apikey: 'ks_wrong' }, { authorization: 'Bearer ' }]) {
      const response = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.json()).toMatchObject({ status: 401, code: 'Unauthorized', instance: FORWARD_AUTH_PATH });
      expect(response.body).not.toContain('ks_wrong');
    }
    const palette = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { accept: 'application/json' } });
    expect(palette.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers a spent guessing budget with 429 and Retry-After', async () => {
    fastify = await app();
    const response = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { apikey: 'ks_limited' } });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.json()).toMatchObject({ status: 429, code: 'TooManyRequests' });
  });

  it('records a key as used only once the request is accepted, after the directory standing; never a refused one', async () => {
    let admitted = true;
    const standing = { govern: (caller: AuthenticatedCaller) => (admitted ? caller : undefined) };
    fastify = Fastify();
    installForwardAuthRoute(fastify, forwardAuthHandler(apiKeys, jwt, logger, standing));
    fastify.get(FORWARD_AUTH_PATH, async () => ({}));
    await fastify.ready();
    const request = () => fastify!.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { apikey: KEY }, remoteAddress: '10.0.0.7' });
    expect((await request()).statusCode).toBe(204);
    expect(used).toEqual(['t1/k1@10.0.0.7']);
    admitted = false; // the directory has deprovisioned the key's owner
    expect((await request()).statusCode).toBe(401);
    expect((await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { apikey: 'ks_wrong' } })).statusCode).toBe(401);
    expect((await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { authorization: 'good.jwt' } })).statusCode).toBe(401);
    expect(used).toEqual(['t1/k1@10.0.0.7']);
  });

  it('answers an unexpected failure with 500 and logs it, never the credential in the body', async () => {
    fastify = Fastify();
    installForwardAuthRoute(fastify, forwardAuthHandler({ authenticate: () => Promise.reject(new Error('boom')), recordUse: () => undefined }, jwt, logger));
    fastify.get(FORWARD_AUTH_PATH, async () => ({}));
    const response = await fastify.inject({ method: 'GET', url: FORWARD_AUTH_PATH, headers: { apikey: KEY } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain(KEY);
    expect(logged.join('\n')).toContain('boom');
  });
});
