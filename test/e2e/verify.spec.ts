import { crc32 } from 'node:zlib';
import baseX from 'base-x';
import { describe, expect, it } from 'vitest';
import { GUESSING_BUDGET } from '@keystream/api-keys';
import { READ_MODELS, type ApiResponse, type Headers, createBody, expectProblem, inMs, tenantWithUsers, useApp, waitUntil } from './harness.js';

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** Another secret for the same key id, with a CRC-32 checksum that passes: what a guesser sends. */
const wrongSecret = (apiKey: string): string => {
  const body = `${apiKey.split('_').slice(0, 2).join('_')}_${'A'.repeat(43)}`;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return body + base62.encode(bytes).padStart(6, '0');
};

const expectNoKeyIn = (response: ApiResponse, ...values: string[]) => {
  const everything = response.text + JSON.stringify(response.headers);
  for (const value of values) expect(everything).not.toContain(value);
};

describe.each(READ_MODELS)('forward-auth and JSON verify (%s read model)', (kind) => {
  const h = useApp(kind);

  describe('GET /v1/auth/verify', () => {
    it('answers 204 with the identity headers for a valid key, in apiKey or Authorization, and HEAD the same', async () => {
      const { tenant, admin, alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, createBody('fwd'));
      const ways: Headers[] = [{ apiKey: key.apiKey }, { authorization: `Bearer ${key.apiKey}` }, { authorization: key.apiKey }];
      for (const headers of ways) {
        const response = await h.current.call('GET', '/v1/auth/verify', { headers });
        expect(response.status, response.text).toBe(204);
        expect(response.text).toBe('');
        expect(response.headers).toMatchObject({
          'x-keystream-tenant': tenant, 'x-keystream-user': alice.userId, 'x-keystream-key': key.uid, 'x-keystream-scope': 'user', 'cache-control': 'no-store',
        });
        expectNoKeyIn(response, key.apiKey);
      }
      const head = await h.current.call('HEAD', '/v1/auth/verify', { headers: { apiKey: key.apiKey } });
      expect(head.status).toBe(204);
      expect(head.headers['x-keystream-key']).toBe(key.uid);

      const token = await h.current.call('GET', '/v1/auth/verify', { headers: admin.headers });
      expect(token.status).toBe(204);
      expect(token.headers).toMatchObject({ 'x-keystream-tenant': tenant, 'x-keystream-user': admin.userId, 'x-keystream-scope': 'tenant' });
      expect(token.headers['x-keystream-key']).toBeUndefined();
    });

    it('refuses missing, malformed, wrong, revoked and deleted keys with 401 problems that carry no key', async () => {
      const { alice } = await tenantWithUsers();
      const revoked = await h.current.createKey(alice.headers, createBody('revoked'));
      const deleted = await h.current.createKey(alice.headers, createBody('deleted'));
      expect((await h.current.call('PUT', `/v1/apiKeys/${revoked.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
      expect((await h.current.call('DELETE', `/v1/apiKeys/${deleted.uid}`, { headers: alice.headers })).status).toBe(204);
      const cases: Headers[] = [{}, { apiKey: 'garbage' }, { apiKey: wrongSecret(revoked.apiKey) }, { apiKey: revoked.apiKey }, { apiKey: deleted.apiKey }, { authorization: 'Bearer not-a-jwt' }];
      for (const headers of cases) {
        const response = await h.current.call('GET', '/v1/auth/verify', { headers });
        expectProblem(response, 401, 'Unauthorized');
        expect(response.headers['x-keystream-tenant']).toBeUndefined();
        expectNoKeyIn(response, revoked.apiKey, deleted.apiKey);
      }
    });

    it('answers 429 with Retry-After once wrong secrets used up the key id’s budget', async () => {
      const { alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, createBody('guessed'));
      const statuses: number[] = [];
      for (let i = 0; i <= GUESSING_BUDGET.hashes; i++) statuses.push((await h.current.call('GET', '/v1/auth/verify', { headers: { apiKey: wrongSecret(key.apiKey) } })).status);
      expect(statuses.at(-1)).toBe(429);
      const limited = await h.current.call('GET', '/v1/auth/verify', { headers: { apiKey: wrongSecret(key.apiKey) } });
      expectProblem(limited, 429, 'TooManyRequests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('POST /v1/apiKeys/verify', () => {
    const verify = (headers: Record<string, string>, key: unknown) => h.current.call('POST', '/v1/apiKeys/verify', { headers, body: { key } });

    it('answers VALID with who the key is, to a caller of the same tenant, never with the value', async () => {
      const { tenant, admin, alice, bob } = await tenantWithUsers();
      const expiry = inMs(3_600_000);
      const key = await h.current.createKey(alice.headers, createBody('checked', { expiry }));
      for (const caller of [admin, alice, bob]) {
        const response = await verify(caller.headers, key.apiKey);
        expect(response.status).toBe(200);
        expect(response.json).toEqual({ valid: true, code: 'VALID', keyUid: key.uid, tenantUid: tenant, ownerUid: alice.userId, scope: 'user', expiresAt: new Date(expiry).toISOString() });
        expectNoKeyIn(response, key.apiKey);
      }
    });

    it('tells REVOKED, EXPIRED and DELETED to the owner and the tenant admin; NOT_FOUND to anyone else', async () => {
      const { admin, alice, bob } = await tenantWithUsers();
      const stranger = (await tenantWithUsers()).admin;
      const expiry = inMs(1500);
      const expiring = await h.current.createKey(alice.headers, createBody('expiring', { expiry }));
      const revoked = await h.current.createKey(alice.headers, createBody('revoked'));
      const deleted = await h.current.createKey(alice.headers, createBody('deleted'));
      expect((await h.current.call('PUT', `/v1/apiKeys/${revoked.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
      expect((await h.current.call('DELETE', `/v1/apiKeys/${deleted.uid}`, { headers: alice.headers })).status).toBe(204);
      await waitUntil(() => Date.now() > Date.parse(expiry) + 50, 5000, 'the key to expire');
      for (const [key, code] of [[revoked, 'REVOKED'], [deleted, 'DELETED'], [expiring, 'EXPIRED']] as const) {
        for (const caller of [alice, admin]) expect((await verify(caller.headers, key.apiKey)).json).toMatchObject({ valid: false, code, keyUid: key.uid });
        for (const caller of [bob, stranger]) expect((await verify(caller.headers, key.apiKey)).json).toEqual({ valid: false, code: 'NOT_FOUND' });
      }
    });

    it('answers NOT_FOUND for another tenant’s valid key and a wrong secret, MALFORMED for garbage, RATE_LIMITED past the budget', async () => {
      const { alice } = await tenantWithUsers();
      const stranger = (await tenantWithUsers()).admin;
      const key = await h.current.createKey(alice.headers, createBody('mine'));
      expect((await verify(stranger.headers, key.apiKey)).json).toEqual({ valid: false, code: 'NOT_FOUND' });
      expect((await verify(alice.headers, 'ks_garbage')).json).toEqual({ valid: false, code: 'MALFORMED' });
      const guesses = [];
      for (let i = 0; i <= GUESSING_BUDGET.hashes; i++) guesses.push((await verify(alice.headers, wrongSecret(key.apiKey))).json.code);
      expect(guesses.slice(0, GUESSING_BUDGET.hashes)).toEqual(Array(GUESSING_BUDGET.hashes).fill('NOT_FOUND'));
      const limited = await verify(alice.headers, wrongSecret(key.apiKey));
      expect(limited.json).toMatchObject({ valid: false, code: 'RATE_LIMITED', keyUid: key.uid });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('needs credentials and a { key } body', async () => {
      const { alice } = await tenantWithUsers();
      expectProblem(await h.current.call('POST', '/v1/apiKeys/verify', { body: { key: 'ks_x' } }), 401, 'Unauthorized');
      expectProblem(await verify(alice.headers, 42), 400, 'InvalidRequest');
      expectProblem(await h.current.call('POST', '/v1/apiKeys/verify', { headers: alice.headers, body: { key: 'ks_x', extra: 1 } }), 400, 'InvalidRequest');
    });
  });
});
