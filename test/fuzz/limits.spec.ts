import { crc32 } from 'node:zlib';
import baseX from 'base-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUESSING_BUDGET } from '@keystream/api-keys';
import { type E2eApp, createBody, expectProblem, startApp, tenantWithUsers, useApp } from '../e2e/harness.js';

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** The key format's CRC-32 suffix, so a forged value gets past the checksum and reaches the hash check. */
const withChecksum = (body: string): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return body + base62.encode(bytes).padStart(6, '0');
};
const bodyOf = (apiKey: string) => apiKey.slice(0, -6);

describe('rate limits on the management API', () => {
  const h = useApp('sqlite', { RATE_LIMIT_PER_IP: '6', RATE_LIMIT_PER_TENANT: '4', RATE_LIMIT_WINDOW_SECONDS: '60' });
  const from = (ip: string) => async (method: string, url: string, headers: Record<string, string>) => {
    const response = await h.current.app.getHttpAdapter().getInstance().inject({ method: method as 'GET', url, headers, remoteAddress: ip });
    return { status: response.statusCode, headers: response.headers, text: response.body, json: JSON.parse(response.body || 'null') };
  };

  it('per client address: past the limit, 429 with Retry-After; another address is still served; /healthz is not counted', async () => {
    const a = from('10.0.0.1');
    const b = from('10.0.0.2');
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await a('GET', '/v1/apiKeys', {})).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const refused = await a('GET', '/v1/apiKeys', {});
    expectProblem(refused, 429, 'TooManyRequests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await a('GET', '/healthz', {})).status).toBe(200);
    expect((await b('GET', '/v1/apiKeys', {})).status).toBe(401);
  });

  it('per tenant: one tenant spread over addresses is cut off, another tenant is not', async () => {
    const busy = await tenantWithUsers();
    const quiet = await tenantWithUsers();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await from(`10.1.0.${i}`)('GET', '/v1/apiKeys', busy.alice.headers)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await from('10.1.1.1')('GET', '/v1/apiKeys', busy.admin.headers);
    expectProblem(refused, 429, 'TooManyRequests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('10.1.1.2')('GET', '/v1/apiKeys', quiet.alice.headers)).status).toBe(200);
  });
});

/** Two instances on one PostgreSQL: a guesser spreading wrong secrets over both meets one budget. */
describe('the guessing budget is shared across instances on PostgreSQL', () => {
  let one: E2eApp;
  let two: E2eApp;
  beforeAll(async () => {
    one = await startApp('postgres');
    two = await startApp('postgres', { DATA_DIR: one.dataDir, DATABASE_SCHEMA: one.env.DATABASE_SCHEMA! }, { waitForProcessing: false });
  });
  afterAll(async () => {
    await two?.close();
    await one?.destroy();
  });

  it(`${GUESSING_BUDGET.hashes} wrong secrets in all, alternating instances, then 429 on both`, async () => {
    const { alice } = await tenantWithUsers();
    const real = (await one.createKey(alice.headers, createBody('guessed'))).apiKey;
    const guess = (n: number) => withChecksum(bodyOf(real).slice(0, -4) + String(1000 + n));
    const statuses = [];
    for (let n = 0; n < GUESSING_BUDGET.hashes; n++) statuses.push((await [one, two][n % 2]!.call('GET', '/v1/apiKeys', { headers: { apiKey: guess(n) } })).status);
    expect(statuses).toEqual(Array<number>(GUESSING_BUDGET.hashes).fill(401));
    for (const instance of [one, two]) {
      const refused = await instance.call('GET', '/v1/apiKeys', { headers: { apiKey: guess(99) } });
      expectProblem(refused, 429, 'TooManyRequests');
    }
  });
});
