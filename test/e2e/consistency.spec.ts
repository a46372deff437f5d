import { describe, expect, it } from 'vitest';
import { READ_MODELS, createBody, expectProblem, inDays, inMs, tenantWithUsers, useApp, waitUntil } from './harness.js';

/**
 * Read-your-writes: a command answers only once the listing and the key verification show it, so
 * the very next request sees the change. Nothing here waits, except for an expiry to pass.
 */
describe.each(READ_MODELS)('consistency (%s read model)', (kind) => {
  const h = useApp(kind);
  const withKey = (apiKey: string) => ({ apiKey });

  it('a revoked key is refused by the very next request, even right after it was verified', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    // Warm: the verification is now cached.
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(401);
  });

  it('a key that revokes itself is refused by its next request', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    expect((await h.current.call('PATCH', `/v1/apiKeys/${key.uid}`, { headers: withKey(key.apiKey), body: {} })).status).toBe(204);
    expect((await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: withKey(key.apiKey) })).status).toBe(401);
  });

  it('after re-activation the key works at once', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const state = (isActive: boolean) => h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive } });
    for (let round = 0; round < 3; round++) {
      expect((await state(false)).status).toBe(204);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(401);
      expect((await state(true)).status).toBe(204);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    }
  });

  it('a deleted key is refused at once, is gone from lists and GET, and cannot be revived', async () => {
    const { admin, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    expect((await h.current.call('DELETE', `/v1/apiKeys/${key.uid}`, { headers: admin.headers })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(401);
    expect((await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).status).toBe(404);
    expect((await h.current.listAll(admin.headers)).items).toEqual([]);
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: true } })).status).toBe(404);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(401);
  });

  it('an edit shows in the very next list and GET, for the owner and the admin', async () => {
    const { admin, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('before', { description: 'old' }));
    const expiry = inDays(77);
    const body = { metadata: { name: 'after', annotations: { description: 'new' } }, spec: { expiry } };
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body })).status).toBe(204);

    for (const headers of [alice.headers, admin.headers, withKey(key.apiKey)]) {
      const [listed] = (await h.current.call('GET', '/v1/apiKeys', { headers })).json.items;
      expect(listed.metadata).toMatchObject({ uid: key.uid, name: 'after', annotations: { description: 'new' } });
      expect(listed.spec.expiry).toBe(expiry);
    }
    const one = (await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).json;
    expect(one.metadata.name).toBe('after');
  });

  it('a created key works and is listed by the very next request', async () => {
    const { admin, alice } = await tenantWithUsers();
    for (let i = 0; i < 3; i++) {
      const key = await h.current.createKey(alice.headers, createBody(`k${i}`));
      expect((await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: withKey(key.apiKey) })).status).toBe(200);
      expect((await h.current.listAll(admin.headers)).items.map((item) => item.metadata.uid)).toContain(key.uid);
    }
  });

  it('an expiry shortened by an edit is what the key verification enforces', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k', { expiry: inDays(300) }));
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    const expiry = inMs(1500);
    const edit = { metadata: { name: 'k' }, spec: { expiry } };
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: edit })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(200);
    await waitUntil(() => Date.now() > Date.parse(expiry) + 50, 5000, 'the new expiry to pass');
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: withKey(key.apiKey) })).status).toBe(401);
    const shown = (await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).json;
    expect(shown.spec.expiry).toBe(expiry);
    // With the extensions header the status also shows when the key was last used (issue 13).
    expect(shown.status).toMatchObject({ isActive: true, expired: true });
  });
});

describe.each(READ_MODELS)('views behind the store (%s read model)', (kind) => {
  // No instance runs the projections, so no command's event ever reaches the views.
  const h = useApp(kind, { RUN_PROCESSORS: 'false', CONSISTENCY_TIMEOUT_MS: '300' }, { waitForProcessing: false });

  it('a create refuses with 503 and writes nothing while the views miss an earlier create, so the key limit holds', async () => {
    const { alice } = await tenantWithUsers();
    // Durable at once; its own wait for the views times out and it answers anyway.
    await h.current.createKey(alice.headers, createBody('first'));
    const head = await h.current.head();
    const refused = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('second') });
    expectProblem(refused, 503, 'ServiceUnavailable');
    expect(refused.json.detail).toBe('The key listing is catching up; retry shortly');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await h.current.head()).toBe(head);
  });
});
