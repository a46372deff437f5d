import { crc32 } from 'node:zlib';
import baseX from 'base-x';
import { describe, expect, it } from 'vitest';
import { GUESSING_BUDGET, LEAK_REPORT_BUDGET, LeakedKeyReports, MAX_LEAKED_VALUES, apiKeyStreamName } from '@keystream/api-keys';
import { READ_MODELS, type ApiResponse, createBody, expectProblem, fieldsOf, tenantWithUsers, useApp, waitUntil } from './harness.js';

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** Another secret for the same key id, with a checksum that passes: what a guesser sends. */
const wrongSecret = (apiKey: string, fill = 'A'): string => {
  const body = `${apiKey.split('_').slice(0, 2).join('_')}_${fill.repeat(43)}`;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return body + base62.encode(bytes).padStart(6, '0');
};

let sources = 0;
/** A source address of its own per test, so the per-source budget of one test never spends another's. */
const newSource = () => `10.13.${Math.floor(++sources / 250)}.${(sources % 250) + 1}`;

describe.each(READ_MODELS)('POST /v1/apiKeys/leaked (%s read model)', (kind) => {
  const h = useApp(kind);

  /** The public report, without credentials, from `source`. */
  const report = async (body: unknown, source = newSource()): Promise<ApiResponse> => {
    const response = await h.current.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url: '/v1/apiKeys/leaked', headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body), remoteAddress: source });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text: response.body, json };
  };
  const checked = () => h.current.app.get(LeakedKeyReports).idle();
  const streamTypes = async (uid: string) =>
    (await h.current.eventStore().readStream(apiKeyStreamName(uid))).map((event) => (event.type === 'KeyRevoked' ? `KeyRevoked:${String(event.data.reason)}` : event.type));
  const works = async (apiKey: string, uid: string) => (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: { apiKey } })).status === 200;

  it('revokes a reported working key with reason leaked, and answers exactly as for values that match nothing', async () => {
    const { alice } = await tenantWithUsers();
    const leaked = await h.current.createKey(alice.headers, createBody('leaked'));
    const guessed = await h.current.createKey(alice.headers, createBody('guessed'));

    const matching = await report({ credentials: [leaked.apiKey, wrongSecret(guessed.apiKey), 'not-a-key'] });
    const nothing = await report({ credentials: [wrongSecret(leaked.apiKey, 'B'), wrongSecret(guessed.apiKey), 'not-a-key'] });
    for (const response of [matching, nothing]) {
      expect(response.status, response.text).toBe(202);
      expect(response.json).toEqual({ received: 3 });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.text).not.toContain(leaked.apiKey);
    }
    expect(matching.text).toBe(nothing.text);
    const shape = (response: ApiResponse) => Object.keys(response.headers).filter((name) => !['date', 'x-request-id'].includes(name)).sort();
    expect(shape(matching)).toEqual(shape(nothing));

    await checked();
    expect(await streamTypes(leaked.uid)).toEqual(['KeyCreated', 'KeyLeakReported', 'KeyRevoked:leaked']);
    expect(await works(leaked.apiKey, leaked.uid)).toBe(false);
    // Its value is out: nobody brings it back.
    expectProblem(await h.current.call('PUT', `/v1/apiKeys/${leaked.uid}/state`, { headers: alice.headers, body: { isActive: true } }), 409, 'ApiKeyLeaked');
    // A wrong secret for a real key id changes nothing.
    expect(await streamTypes(guessed.uid)).toEqual(['KeyCreated']);
    expect(await works(guessed.apiKey, guessed.uid)).toBe(true);
    // The owner sees why in the key's history; no submitted value is in the store.
    const everything = JSON.stringify(await h.current.eventStore().readAll({ maxCount: 100_000, filter: { streamNamePrefixes: [''] } }), (_, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(everything).not.toContain(leaked.apiKey);
    expect(everything).not.toContain(wrongSecret(guessed.apiKey));
  });

  it('does not count a report as a use, and a rotation (grace 0) lets the key be re-activated with its new value only', async () => {
    const { alice } = await tenantWithUsers();
    const leaked = await h.current.createKey(alice.headers, createBody('leaked-then-rotated'));
    const used = await h.current.createKey(alice.headers, createBody('used'));
    expect((await report({ credentials: [leaked.apiKey] })).status).toBe(202);
    await checked();
    // A use through the guard is recorded (later than the report's check would have been).
    expect(await works(used.apiKey, used.uid)).toBe(true);
    const lastUsed = async (uid: string) => (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: alice.headers })).json.status.lastUsedAt;
    await waitUntil(async () => (await lastUsed(used.uid)) !== undefined, 10_000, 'the used key recorded');
    expect(await lastUsed(leaked.uid)).toBeUndefined();

    expectProblem(await h.current.call('PUT', `/v1/apiKeys/${leaked.uid}/state`, { headers: alice.headers, body: { isActive: true } }), 409, 'ApiKeyLeaked');
    const rotated = await h.current.call('POST', `/v1/apiKeys/${leaked.uid}/rotate`, { headers: alice.headers, body: { gracePeriodSeconds: 0 } });
    expect(rotated.status, rotated.text).toBe(200);
    expect((await h.current.call('PUT', `/v1/apiKeys/${leaked.uid}/state`, { headers: alice.headers, body: { isActive: true } })).status).toBe(204);
    expect(await works(rotated.json.apiKey, leaked.uid)).toBe(true);
    expect(await works(leaked.apiKey, leaked.uid)).toBe(false);
  });

  it('records nothing for a key that already does not work, however often it is reported', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('revoked-first'));
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    const before = await h.current.head();
    for (let i = 0; i < 3; i++) expect((await report({ credentials: [key.apiKey] })).status).toBe(202);
    await checked();
    expect(await h.current.head()).toBe(before);
  });

  it('takes 1,000 values in one call (over the 64 KiB limit of other routes)', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('in-a-crowd'));
    const credentials = [...Array.from({ length: MAX_LEAKED_VALUES - 1 }, (_, i) => `ks_${String(i).padStart(24, '0')}_${'x'.repeat(49)}`), key.apiKey];
    expect(JSON.stringify({ credentials }).length).toBeGreaterThan(64 * 1024);
    const response = await report({ credentials });
    expect(response.status, response.text).toBe(202);
    expect(response.json).toEqual({ received: MAX_LEAKED_VALUES });
    await checked();
    expect(await works(key.apiKey, key.uid)).toBe(false);
  });

  it('refuses bad input with a 400 problem naming the field, never echoing a value, and writes nothing', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('bad-input'));
    const before = await h.current.head();
    const cases: [unknown, string][] = [
      [{ credentials: Array.from({ length: MAX_LEAKED_VALUES + 1 }, () => key.apiKey) }, 'credentials'],
      [{ credentials: [key.apiKey, 42] }, 'credentials'],
      [{ credentials: [key.apiKey, { value: key.apiKey }] }, 'credentials'],
      [{ credentials: [key.apiKey, `${key.apiKey}${'x'.repeat(200)}`] }, 'credentials'],
      [{ credentials: [] }, 'credentials'],
      [{ credentials: key.apiKey }, 'credentials'],
      [{}, 'credentials'],
      [{ credentials: [key.apiKey], extra: true }, 'extra'],
      [[key.apiKey], ''],
    ];
    for (const [body, field] of cases) {
      const response = await report(body);
      expectProblem(response, 400, 'InvalidRequest');
      if (field) expect(fieldsOf(response)).toContain(field);
      expect(response.text).not.toContain(key.apiKey);
    }
    const huge = await report({ credentials: Array.from({ length: 1300 }, () => 'y'.repeat(256)) });
    expectProblem(huge, 413, 'PayloadTooLarge');
    await checked();
    expect(await h.current.head()).toBe(before);
    expect(await works(key.apiKey, key.uid)).toBe(true);
  });

  it(`limits each source to ${LEAK_REPORT_BUDGET.reports} reports per window with 429 and Retry-After; other sources go on`, async () => {
    const source = newSource();
    for (let i = 0; i < LEAK_REPORT_BUDGET.reports; i++) expect((await report({ credentials: ['x'] }, source)).status).toBe(202);
    const refused = await report({ credentials: ['x'] }, source);
    expectProblem(refused, 429, 'TooManyRequests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await report({ credentials: ['x'] }, newSource())).status).toBe(202);
  });

  it('spends the key id\'s guessing budget on wrong secrets, as every other route does', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('guessed-at'));
    const guesses = Array.from({ length: GUESSING_BUDGET.hashes }, (_, i) => wrongSecret(key.apiKey, 'CDEFGHIJKLMN'[i]!));
    expect((await report({ credentials: guesses })).status).toBe(202);
    await checked();
    const verify = await h.current.call('POST', '/v1/apiKeys/verify', { headers: alice.headers, body: { key: wrongSecret(key.apiKey, 'Z') } });
    expect(verify.json).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
  });
});
