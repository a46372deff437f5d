import { describe, expect, it } from 'vitest';
import { READ_MODELS, createBody, inDays, tenantWithUsers, useApp } from '../e2e/harness.js';
import { expectedErrorMediaType, paletteContractViolations } from './support/palette-contract.js';
import { findOperation, specViolations } from './support/palette-spec.js';

/**
 * Palette's published spec (test/palette/spec) against Keystream's answers. The e2e harness checks
 * every exchange on a Palette route against it; this suite drives each operation as a client that
 * knows only Palette's spec (no extension opt-in, so objects are closed to Palette's members) and
 * walks the error media-type rule through the Accept headers clients send.
 */
describe('the contract checks themselves', () => {
  const get = findOperation('GET', '/v1/apiKeys/abc')!;
  const list = findOperation('GET', '/v1/apiKeys?limit=1')!;
  const key = {
    metadata: { uid: 'k', name: 'n', annotations: { description: '' }, creationTimestamp: '2026-01-01T00:00:00.000Z' },
    spec: { expiry: '2027-01-01T00:00:00.000Z', user: { uid: 'u', firstName: '', lastName: '' } },
    status: { isActive: true },
  };
  const ok = (json: unknown) => ({ status: 200, text: JSON.stringify(json), json });

  it('finds operations by method and path template, and none for Keystream-only routes', () => {
    expect([get.operationId, list.operationId, findOperation('PUT', '/v1/apiKeys/x/state')?.operationId]).toEqual([
      'v1ApiKeysUidGet',
      'v1ApiKeysList',
      'v1ApiKeysUidState',
    ]);
    expect(findOperation('GET', '/v1/audit/events')).toBeUndefined();
  });

  it('accepts Palette’s members, and refuses extension members only when reading strictly', () => {
    expect(specViolations(get, ok(key), true)).toEqual([]);
    const extended = { ...key, status: { isActive: true, expired: false } };
    expect(specViolations(get, ok(extended), false)).toEqual([]);
    expect(specViolations(get, ok(extended), true).join()).toContain('(expired)');
    expect(specViolations(list, ok({ items: [key], listmeta: { continue: '', count: 1 } }), true).join()).toContain('(listmeta)');
    expect(specViolations(list, ok({ listmeta: {} }), false).join()).toContain("must have required property 'items'");
  });

  it('refuses a wrong type, an undefined success status, a body where none is defined, and an error that is no V1Error', () => {
    expect(specViolations(get, ok({ ...key, status: { isActive: 'yes' } }), false).join()).toContain('/status/isActive must be boolean');
    const del = findOperation('DELETE', '/v1/apiKeys/x')!;
    expect(specViolations(del, { status: 200, text: '{}', json: {} }, false).join()).toContain('no such success status');
    expect(specViolations(del, { status: 204, text: '{}', json: {} }, false).join()).toContain('defines no body');
    expect(specViolations(get, { status: 404, text: '', json: { code: 404 } }, false).join()).toContain('not a V1Error');
  });

  it('derives the error media type from the rule’s words', () => {
    expect(expectedErrorMediaType(undefined)).toBe('application/problem+json');
    expect(expectedErrorMediaType('*/*')).toBe('application/problem+json');
    expect(expectedErrorMediaType('application/json')).toBe('application/json');
    expect(expectedErrorMediaType('application/json, application/problem+json')).toBe('application/problem+json');
    expect(expectedErrorMediaType('application/problem+json;q=0, application/json')).toBe('application/json');
    expect(expectedErrorMediaType('text/html')).toBe('application/problem+json');
    const exchange = { status: 404, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, text: '{}', json: { code: 'ResourceNotFound' } };
    expect(paletteContractViolations({ method: 'GET', url: '/v1/apiKeys/x', headers: { Accept: 'application/json' } }, exchange).join()).toContain(
      'expected application/json',
    );
  });
});

describe.each(READ_MODELS)('Palette’s spec, as a client that knows only it (%s read model)', (kind) => {
  const h = useApp(kind);
  // The harness validates each answer strictly against the spec because no opt-in header is sent.
  const call = (method: string, url: string, options: { headers: Record<string, string>; body?: unknown }) =>
    h.current.call(method, url, { ...options, paletteOnly: true });

  it('every operation answers with exactly Palette’s members', async () => {
    const { tenant, admin, alice } = await tenantWithUsers();
    const created = await call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('k', { description: 'd' }) });
    expect(created.status, created.text).toBe(201);
    const { uid } = created.json;
    const got = await call('GET', `/v1/apiKeys/${uid}`, { headers: alice.headers });
    expect(got.json.status).toEqual({ isActive: true });
    const listed = await call('GET', '/v1/apiKeys', { headers: admin.headers });
    expect(Object.keys(listed.json)).toEqual(['items']);
    expect(listed.json.items).toEqual([got.json]);
    for (const [method, url, body] of [
      ['PUT', `/v1/apiKeys/${uid}`, { metadata: { name: 'k2' }, spec: { expiry: inDays(40) } }],
      ['PUT', `/v1/apiKeys/${uid}/state`, { isActive: false }],
      ['PATCH', `/v1/apiKeys/${uid}`, { isActive: true }],
    ] as const) {
      const response = await call(method, url, { headers: alice.headers, body });
      expect(response.status, `${method} ${url}: ${response.text}`).toBe(204);
    }
    const info = await call('GET', '/v1/users/info', { headers: alice.headers });
    expect(info.json).toEqual({ userUid: alice.userId, tenantUid: tenant, orgName: tenant });
    expect((await call('DELETE', `/v1/apiKeys/${uid}`, { headers: alice.headers })).status).toBe(204);
  });

  it('a list without paging gathers every key; paging parameters bring listmeta back', async () => {
    const { admin } = await tenantWithUsers();
    for (let i = 0; i < 3; i++) await h.current.createKey(admin.headers, createBody(`k${i}`));
    const all = await call('GET', '/v1/apiKeys', { headers: admin.headers });
    expect(all.json.items).toHaveLength(3);
    const page = await h.current.call('GET', '/v1/apiKeys', { headers: admin.headers, query: { limit: 2 }, paletteOnly: true });
    expect(page.json.items).toHaveLength(2);
    expect(page.json.listmeta.continue).not.toBe('');
  });

  it.each([
    [undefined, 'application/problem+json'],
    ['*/*', 'application/problem+json'],
    ['application/json', 'application/json'],
    ['application/problem+json', 'application/problem+json'],
    ['application/json, application/problem+json', 'application/problem+json'],
    ['application/problem+json;q=0, application/json', 'application/json'],
    ['text/html', 'application/problem+json'],
  ])('an error for Accept %s is %s, with the same body', async (accept, mediaType) => {
    const { alice } = await tenantWithUsers();
    const headers = { ...alice.headers, ...(accept === undefined ? {} : { accept }) };
    const missing = await call('GET', `/v1/apiKeys/${'0'.repeat(24)}`, { headers });
    expect([missing.status, String(missing.headers['content-type'])]).toEqual([404, `${mediaType}; charset=utf-8`]);
    expect(missing.json).toMatchObject({ code: 'ResourceNotFound', message: expect.any(String), status: 404 });
    expect(String(missing.headers.vary)).toMatch(/accept/i);
  });

  it('each error status is a V1Error with Palette’s code and message', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const json = { accept: 'application/json' };
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const cases: [number, string, Promise<{ status: number; json: { code: string } }>][] = [
      [400, 'InvalidRequest', call('POST', '/v1/apiKeys', { headers: { ...alice.headers, ...json }, body: { metadata: {}, spec: {} } })],
      [401, 'Unauthorized', call('GET', '/v1/apiKeys', { headers: { ...json, apiKey: 'ks_nope' } })],
      [403, 'Forbidden', call('POST', '/v1/apiKeys', { headers: { ...bob.headers, ...json }, body: createBody('x', { userUid: alice.userId }) })],
      [404, 'ResourceNotFound', call('GET', `/v1/apiKeys/${key.uid}`, { headers: { ...bob.headers, ...json } })],
      [412, 'PreconditionFailed', call('PUT', `/v1/apiKeys/${key.uid}`, { headers: { ...admin.headers, ...json, 'if-match': '"99"' }, body: { metadata: { name: 'n' } } })],
      [413, 'PayloadTooLarge', call('POST', '/v1/apiKeys', { headers: { ...alice.headers, ...json }, body: { metadata: { name: 'x'.repeat(70_000) } } })],
    ];
    for (const [status, code, pending] of cases) {
      const response = await pending;
      expect([response.status, response.json.code]).toEqual([status, code]);
    }
  });
});
