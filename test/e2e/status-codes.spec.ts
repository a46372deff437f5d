import { describe, expect, it } from 'vitest';
import {
  MAX_KEYS_PER_USER,
  READ_MODELS,
  createBody,
  expectProblem,
  fieldsOf,
  inDays,
  inMs,
  tenantWithUsers,
  useApp,
  waitUntil,
} from './harness.js';

/** Every status of the contract, with its code, content type and body shape. */
describe.each(READ_MODELS)('status codes (%s read model)', (kind) => {
  const h = useApp(kind);
  const edit = { metadata: { name: 'edited' }, spec: { expiry: inDays(20) } };

  it('201: create answers exactly 201 with { uid, apiKey } and nothing else', async () => {
    const { alice } = await tenantWithUsers();
    const response = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('k') });
    expect(response.status).toBe(201);
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Object.keys(response.json).sort()).toEqual(['apiKey', 'uid']);
    expect(response.json.uid).toMatch(/^[0-9a-f]{24}$/);
    expect(response.json.apiKey).toMatch(/^ks_[0-9a-f]{24}_[0-9A-Za-z]+$/);
    expect(response.json.apiKey).toContain(response.json.uid);
  });

  it('200: GET of a key carries an ETag; the list answers 200 with items and listmeta', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const one = await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers });
    expect(one.status).toBe(200);
    expect(String(one.headers['content-type'])).toMatch(/^application\/json/);
    expect(one.headers.etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(Object.keys(one.json).sort()).toEqual(['metadata', 'spec', 'status']);
    const list = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ items: [one.json], listmeta: { continue: '', count: 1 } });
  });

  it('204 with an empty body: PUT, PUT state, PATCH and DELETE', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const url = `/v1/apiKeys/${key.uid}`;
    const responses = [
      await h.current.call('PUT', url, { headers: alice.headers, body: edit }),
      await h.current.call('PUT', `${url}/state`, { headers: alice.headers, body: { isActive: false } }),
      await h.current.call('PATCH', url, { headers: alice.headers, body: { isActive: true } }),
      await h.current.call('DELETE', url, { headers: alice.headers }),
    ];
    for (const response of responses) {
      expect(response.status, response.text).toBe(204);
      expect(response.text).toBe('');
    }
  });

  it('400 InvalidRequest names each bad field in errors[]', async () => {
    const { alice } = await tenantWithUsers();
    const response = await h.current.call('POST', '/v1/apiKeys', {
      headers: alice.headers,
      body: { metadata: { name: '', annotations: { description: 'x'.repeat(1025) } }, spec: { expiry: 'tomorrow' } },
    });
    expectProblem(response, 400, 'InvalidRequest');
    expect(new Set(fieldsOf(response))).toEqual(new Set(['metadata.name', 'metadata.annotations.description', 'spec.expiry']));
  });

  it('400 ApiKeyOwnerImmutable when an update names another owner', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const response = await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, {
      headers: admin.headers,
      body: { metadata: { name: 'k' }, spec: { userUid: bob.userId } },
    });
    expectProblem(response, 400, 'ApiKeyOwnerImmutable');
  });

  it('401 Unauthorized without credentials, on every route', async () => {
    const uid = 'a'.repeat(24);
    for (const [method, url] of [
      ['GET', '/v1/apiKeys'],
      ['POST', '/v1/apiKeys'],
      ['GET', `/v1/apiKeys/${uid}`],
      ['PUT', `/v1/apiKeys/${uid}`],
      ['PUT', `/v1/apiKeys/${uid}/state`],
      ['PATCH', `/v1/apiKeys/${uid}`],
      ['DELETE', `/v1/apiKeys/${uid}`],
    ] as const) {
      expectProblem(await h.current.call(method, url, { body: method === 'GET' || method === 'DELETE' ? undefined : {} }), 401, 'Unauthorized');
    }
  });

  it('403 Forbidden when a user creates a key for someone else', async () => {
    const { alice, bob } = await tenantWithUsers();
    const response = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('k', { userUid: bob.userId }) });
    expectProblem(response, 403, 'Forbidden');
  });

  it('404 ResourceNotFound for an unknown uid, a malformed uid and a deleted key', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    expect((await h.current.call('DELETE', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).status).toBe(204);
    for (const uid of ['0'.repeat(24), 'not-a-uid', key.uid]) {
      expectProblem(await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: alice.headers }), 404, 'ResourceNotFound');
      expectProblem(await h.current.call('PUT', `/v1/apiKeys/${uid}`, { headers: alice.headers, body: edit }), 404, 'ResourceNotFound');
      expectProblem(await h.current.call('DELETE', `/v1/apiKeys/${uid}`, { headers: alice.headers }), 404, 'ResourceNotFound');
    }
  });

  it(`409 ApiKeyLimitReached for the ${MAX_KEYS_PER_USER + 1}st key; deleted keys don't count, revoked ones do`, async () => {
    const { admin, alice } = await tenantWithUsers();
    const keys = [];
    for (let i = 0; i < MAX_KEYS_PER_USER; i++) keys.push(await h.current.createKey(alice.headers, createBody(`k${i}`)));
    const head = await h.current.head();
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('one-too-many') }), 409, 'ApiKeyLimitReached');
    // An admin creating on her behalf hits the same limit.
    expectProblem(
      await h.current.call('POST', '/v1/apiKeys', { headers: admin.headers, body: createBody('for-alice', { userUid: alice.userId }) }),
      409,
      'ApiKeyLimitReached',
    );
    expect(await h.current.head()).toBe(head);

    expect((await h.current.call('PUT', `/v1/apiKeys/${keys[0]!.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('still-full') }), 409, 'ApiKeyLimitReached');

    expect((await h.current.call('DELETE', `/v1/apiKeys/${keys[1]!.uid}`, { headers: alice.headers })).status).toBe(204);
    await h.current.createKey(alice.headers, createBody('after-delete'));
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('full-again') }), 409, 'ApiKeyLimitReached');
    expect((await h.current.listAll(alice.headers)).items).toHaveLength(MAX_KEYS_PER_USER);
  });

  it('409 ApiKeyExpired when re-activating a revoked key whose expiry has passed', async () => {
    const { alice } = await tenantWithUsers();
    const expiry = inMs(1500);
    const key = await h.current.createKey(alice.headers, createBody('short-lived', { expiry }));
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    await waitUntil(() => Date.now() > Date.parse(expiry) + 50, 5000, 'the key to expire');

    const response = await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: true } });
    expectProblem(response, 409, 'ApiKeyExpired');
    expectProblem(await h.current.call('PATCH', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: { isActive: true } }), 409, 'ApiKeyExpired');
    const shown = (await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).json;
    expect(shown.status).toEqual({ isActive: false, expired: true });
  });

  it('412 PreconditionFailed for a stale If-Match; the current ETag is accepted', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const url = `/v1/apiKeys/${key.uid}`;
    const stale = (await h.current.call('GET', url, { headers: alice.headers })).headers.etag as string;
    expect((await h.current.call('PUT', url, { headers: alice.headers, body: edit })).status).toBe(204);
    const fresh = (await h.current.call('GET', url, { headers: alice.headers })).headers.etag as string;
    expect(fresh).not.toBe(stale);

    const withStale = { ...alice.headers, 'if-match': stale };
    expectProblem(await h.current.call('PUT', url, { headers: withStale, body: { metadata: { name: 'lost' } } }), 412, 'PreconditionFailed');
    expectProblem(await h.current.call('PUT', `${url}/state`, { headers: withStale, body: {} }), 412, 'PreconditionFailed');
    expectProblem(await h.current.call('DELETE', url, { headers: withStale }), 412, 'PreconditionFailed');
    expectProblem(await h.current.call('PUT', url, { headers: { ...alice.headers, 'if-match': '"not-ours"' }, body: edit }), 412, 'PreconditionFailed');
    expect((await h.current.call('GET', url, { headers: alice.headers })).json.metadata.name).toBe('edited');

    const response = await h.current.call('PUT', url, { headers: { ...alice.headers, 'if-match': fresh }, body: { metadata: { name: 'won' } } });
    expect(response.status).toBe(204);
    expect(response.headers.etag).toBe((await h.current.call('GET', url, { headers: alice.headers })).headers.etag);
  });

  it('413 PayloadTooLarge for a body over 64 KiB, on create and on update', async () => {
    const { admin, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const head = await h.current.head();
    const huge = JSON.stringify(createBody('big', { description: 'x'.repeat(65 * 1024) }));
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: huge }), 413, 'PayloadTooLarge');
    expectProblem(await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: huge }), 413, 'PayloadTooLarge');
    expect(await h.current.head()).toBe(head);
    expect((await h.current.listAll(admin.headers)).items).toHaveLength(1);
  });

  it('404 ResourceNotFound as a problem for a route that does not exist', async () => {
    const { alice } = await tenantWithUsers();
    const response = await h.current.call('GET', '/v1/nothing-here', { headers: alice.headers });
    expectProblem(response, 404, 'ResourceNotFound');
  });
});
