import { crc32 } from 'node:zlib';
import baseX from 'base-x';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { GUESSING_BUDGET } from '@keystream/api-keys';
import {
  JWT_SECRET,
  READ_MODELS,
  type ApiResponse,
  type Headers,
  createBody,
  expectProblem,
  inMs,
  mintToken,
  tenantWithUsers,
  unsignedToken,
  useApp,
  waitUntil,
} from './harness.js';

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** The key format's CRC-32 suffix, so a forged value gets past the checksum and reaches the hash check. */
const withChecksum = (body: string): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return body + base62.encode(bytes).padStart(6, '0');
};
const bodyOf = (apiKey: string) => apiKey.slice(0, -6);
const secretOf = (apiKey: string) => bodyOf(apiKey).split('_').at(-1)!;
const flip = (char: string) => (char === 'a' ? 'b' : 'a');
const changeOneChar = (text: string, at: number) => text.slice(0, at) + flip(text[at]!) + text.slice(at + 1);

describe.each(READ_MODELS)('bad credentials (%s read model)', (kind) => {
  const h = useApp(kind);

  /**
   * The presented credential is refused on a read and on a write, with one uniform 401 problem that
   * never echoes it, and nothing is written.
   */
  const expectRefused = async (headers: Headers, secrets: string[]) => {
    const head = await h.current.head();
    const responses: ApiResponse[] = [
      await h.current.call('GET', '/v1/apiKeys', { headers }),
      await h.current.call('POST', '/v1/apiKeys', { headers, body: createBody('should-not-exist') }),
    ];
    for (const response of responses) {
      expectProblem(response, 401, 'Unauthorized');
      for (const secret of secrets.filter((s) => s.length >= 8)) expect(response.text).not.toContain(secret);
    }
    expect(await h.current.head()).toBe(head);
    return responses[0]!.json;
  };

  describe('apiKey values', () => {
    const cases: [string, (real: string, other: string) => string][] = [
      ['an empty value', () => ''],
      ['a random word', () => 'letmein-please'],
      ['a random 64-hex string', () => 'ab'.repeat(32)],
      ['the right format with a wrong checksum', (real) => changeOneChar(real, real.length - 1)],
      ['a real key with one secret character changed', (real) => changeOneChar(real, real.length - 10)],
      ['a real key with one secret character changed and a valid checksum', (real) => withChecksum(changeOneChar(bodyOf(real), bodyOf(real).length - 3))],
      ['another key’s id with this key’s secret (valid checksum)', (real, other) => withChecksum(bodyOf(other).replace(secretOf(other), secretOf(real)))],
      ['a real key with a suffix', (real) => `${real}x`],
      ['a real key truncated', (real) => real.slice(0, -1)],
      ['a real key in upper case', (real) => real.toUpperCase()],
    ];
    it.each(cases)('%s is refused with 401 and never echoed', async (_case, forge) => {
      const { alice, bob } = await tenantWithUsers();
      const real = (await h.current.createKey(alice.headers, createBody('real'))).apiKey;
      const other = (await h.current.createKey(bob.headers, createBody('other'))).apiKey;
      const forged = forge(real, other);
      await expectRefused({ apiKey: forged }, [forged, secretOf(real), secretOf(forged)]);
      // The real key still works: a failed attempt does not lock its owner out.
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: real } })).status).toBe(200);
    });

    it('deleted, revoked and expired keys are refused with 401', async () => {
      const { alice } = await tenantWithUsers();
      const expiry = inMs(1500);
      const expiring = await h.current.createKey(alice.headers, createBody('expiring', { expiry }));
      const revoked = await h.current.createKey(alice.headers, createBody('revoked'));
      const deleted = await h.current.createKey(alice.headers, createBody('deleted'));
      for (const key of [expiring, revoked, deleted]) {
        expect((await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { apiKey: key.apiKey } })).status).toBe(200);
      }
      expect((await h.current.call('PUT', `/v1/apiKeys/${revoked.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
      expect((await h.current.call('DELETE', `/v1/apiKeys/${deleted.uid}`, { headers: alice.headers })).status).toBe(204);
      await expectRefused({ apiKey: revoked.apiKey }, [revoked.apiKey, secretOf(revoked.apiKey)]);
      await expectRefused({ apiKey: deleted.apiKey }, [deleted.apiKey, secretOf(deleted.apiKey)]);

      await waitUntil(() => Date.now() > Date.parse(expiry) + 50, 5000, 'the key to expire');
      await expectRefused({ apiKey: expiring.apiKey }, [expiring.apiKey, secretOf(expiring.apiKey)]);
    });

    it('guesses for one key id are cut off with 429 and Retry-After; the owner’s warm key still works', async () => {
      const { alice } = await tenantWithUsers();
      const real = (await h.current.createKey(alice.headers, createBody('guessed'))).apiKey;
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: real } })).status).toBe(200);
      const guess = (n: number) => withChecksum(bodyOf(real).slice(0, -4) + String(1000 + n));
      const statuses: number[] = [];
      let refusal: ApiResponse | undefined;
      for (let n = 0; n < 20 && !refusal; n++) {
        const response = await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: guess(n) } });
        statuses.push(response.status);
        if (response.status === 429) refusal = response;
      }
      expect(statuses).toEqual([...Array<number>(GUESSING_BUDGET.hashes).fill(401), 429]);
      expectProblem(refusal!, 429, 'TooManyRequests');
      expect(Number(refusal!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refusal!.text).not.toContain(secretOf(real));
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: real } })).status).toBe(200);
    });

    it('a bad apiKey is not rescued by a valid token beside it', async () => {
      const { alice } = await tenantWithUsers();
      await expectRefused({ apiKey: 'ks_not_a_key', authorization: `Bearer ${alice.token}` }, ['ks_not_a_key']);
    });

    it('a key value sent as a bearer token is refused', async () => {
      const { alice } = await tenantWithUsers();
      const { apiKey } = await h.current.createKey(alice.headers, createBody('k'));
      await expectRefused({ authorization: `Bearer ${apiKey}` }, [apiKey, secretOf(apiKey)]);
      await expectRefused({ authorization: apiKey }, [apiKey, secretOf(apiKey)]);
    });
  });

  describe('tokens', () => {
    const cases: [string, (tenant: string, user: string) => Promise<string> | string][] = [
      ['alg none', (tenant, user) => unsignedToken(tenant, user)],
      ['alg none with a signature part', (tenant, user) => `${unsignedToken(tenant, user)}c2lnbmF0dXJl`],
      ['a wrong secret', (tenant, user) => mintToken(tenant, user, true, { secret: 'another-secret-that-is-long-enough-for-hs256' })],
      ['an expired token', (tenant, user) => mintToken(tenant, user, true, { expiresIn: -60 })],
      ['a token not valid before 5 minutes from now', (tenant, user) => mintToken(tenant, user, true, { notBefore: 300 })],
      ['no tenant claim', (tenant, user) => mintToken(tenant, user, true, { omit: ['tenant'] })],
      ['an empty tenant claim', (tenant, user) => mintToken(tenant, user, true, { claims: { tenant: '' } })],
      ['no sub claim', (tenant, user) => mintToken(tenant, user, true, { omit: ['sub'] })],
      ['no exp claim (it would never expire)', (tenant, user) => mintToken(tenant, user, true, { omit: ['exp'] })],
      ['roles as a string', (tenant, user) => mintToken(tenant, user, false, { claims: { roles: 'tenant-admin' } })],
      ['HS512 with the right secret', (tenant, user) =>
        new SignJWT({ sub: user, tenant, roles: ['tenant-admin'] }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(new TextEncoder().encode(JWT_SECRET))],
      ['a payload changed after signing (tenant swapped)', async (tenant, user) => {
        const [header, , signature] = (await mintToken(tenant, user, true)).split('.');
        const payload = Buffer.from(JSON.stringify({ sub: user, tenant: 'someone-else', roles: ['tenant-admin'] })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      }],
      ['not a JWT at all', () => 'not.a.jwt'],
      ['an empty bearer', () => ''],
    ];
    it.each(cases)('%s is refused with 401 and never echoed', async (_case, forge) => {
      const { tenant, admin } = await tenantWithUsers();
      const token = await forge(tenant, admin.userId);
      const secrets = [token, token.split('.')[2] ?? ''];
      await expectRefused({ authorization: `Bearer ${token}` }, secrets);
      await expectRefused({ authorization: token }, secrets);
    });
  });

  it('every refusal is the same problem, so it never tells which check failed', async () => {
    const { tenant, admin } = await tenantWithUsers();
    const key = await h.current.createKey(admin.headers, createBody('k'));
    const refusals = [
      await h.current.call('GET', '/v1/apiKeys'),
      await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: 'garbage' } }),
      await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: changeOneChar(key.apiKey, key.apiKey.length - 1) } }),
      await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: withChecksum(changeOneChar(bodyOf(key.apiKey), 40)) } }),
      await h.current.call('GET', '/v1/apiKeys', { headers: { authorization: unsignedToken(tenant, admin.userId) } }),
      await h.current.call('GET', '/v1/apiKeys', { headers: { authorization: await mintToken(tenant, admin.userId, true, { expiresIn: -5 }) } }),
    ];
    const bodies = refusals.map((response) => ({ status: response.status, body: response.json }));
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });
});
