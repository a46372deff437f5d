import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, GUESSING_BUDGET_HASHES, createBody, inMs, startApp, tenantWithUsers, waitUntil, wrongSecretFor } from './support.js';
import { type Echo, type Nginx, forwardAuthLocations, startEcho, startNginx } from './nginx.js';

/**
 * Debian's nginx with `auth_request` in front of a small upstream that echoes the headers it gets,
 * Keystream (the e2e app, listening on a port) as the auth service: the README's snippet, run.
 */
describe('nginx auth_request with Keystream as the auth service', () => {
  let keystream: E2eApp;
  let upstream: Echo;
  let nginx: Nginx;

  beforeAll(async () => {
    keystream = await startApp('sqlite');
    await keystream.app.listen({ port: 0, host: '127.0.0.1' });
    upstream = await startEcho();
    nginx = await startNginx({ keystream: (keystream.app.getHttpServer().address() as AddressInfo).port, upstream: upstream.port });
  });
  afterAll(async () => {
    await nginx?.stop();
    await upstream?.close();
    await keystream?.destroy();
  });

  const through = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${nginx.port}/orders?x=1`, { headers });

  it('lets a valid key through with the identity headers, and never passes the key upstream', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const key = await keystream.createKey(alice.headers, createBody('behind nginx'));
    const before = upstream.seen.length;
    // Identity headers sent by the client are replaced by Keystream's answer, never passed on.
    const response = await through({ apiKey: key.apiKey, 'X-Keystream-Tenant': 'forged', 'X-Keystream-Scope': 'tenant' });
    expect(response.status).toBe(200);
    const seen = upstream.seen.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ 'x-keystream-tenant': tenant, 'x-keystream-user': alice.userId, 'x-keystream-key': key.uid, 'x-keystream-scope': 'user' });
    expect(seen[0]!.apikey).toBeUndefined();
    expect(JSON.stringify(seen[0])).not.toContain(key.apiKey);
  });

  it('refuses a garbage key, a revoked key (on the very next request) and an expired key with 401, before the upstream', async () => {
    const { alice } = await tenantWithUsers();
    const revoked = await keystream.createKey(alice.headers, createBody('to revoke'));
    const expiry = inMs(1500);
    const expiring = await keystream.createKey(alice.headers, createBody('to expire', { expiry }));
    expect((await through({ apiKey: revoked.apiKey })).status).toBe(200);
    expect((await through({ apiKey: expiring.apiKey })).status).toBe(200);
    const before = upstream.seen.length;

    expect((await through({ apiKey: 'ks_garbage' })).status).toBe(401);
    expect((await through({})).status).toBe(401);
    expect((await keystream.call('PUT', `/v1/apiKeys/${revoked.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
    expect((await through({ apiKey: revoked.apiKey })).status).toBe(401);
    await waitUntil(() => Date.now() > Date.parse(expiry) + 50, 5000, 'the key to expire');
    expect((await through({ apiKey: expiring.apiKey })).status).toBe(401);
    expect(upstream.seen.length).toBe(before);
  });

  it('passes a 429 with Retry-After through once wrong secrets used up the key id’s budget', async () => {
    const { alice } = await tenantWithUsers();
    const key = await keystream.createKey(alice.headers, createBody('guessed'));
    const guess = wrongSecretFor(key.apiKey);
    const statuses: number[] = [];
    for (let i = 0; i <= GUESSING_BUDGET_HASHES; i++) statuses.push((await through({ apiKey: guess })).status);
    expect(statuses.slice(0, GUESSING_BUDGET_HASHES).every((status) => status === 401)).toBe(true);
    const limited = await through({ apiKey: guess });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('is the README’s snippet', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(forwardAuthLocations('http://backend'));
  });
});
