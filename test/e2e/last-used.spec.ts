import { describe, expect, it } from 'vitest';
import { READ_MODELS, RFC3339_MS, asKey, createBody, expectProblem, fieldsOf, tenantWithUsers, useApp, waitUntil } from './harness.js';

/** Last used (issue 13): recorded off the request path, shown as extensions, filterable. */
describe.each(READ_MODELS)('last used (%s read model)', (kind) => {
  const h = useApp(kind);
  const get = (headers: Record<string, string>, uid: string, paletteOnly = false) => h.current.call('GET', `/v1/apiKeys/${uid}`, { headers, paletteOnly });

  it('shows when and from where a key was last used, only to clients that ask for extensions, and records no event for it', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('ci'));
    const unused = await get(alice.headers, key.uid);
    expect(unused.json.status).not.toHaveProperty('lastUsedAt');
    const head = await h.current.head();
    const before = Date.now();
    for (let i = 0; i < 5; i++) expect((await get(asKey(key.apiKey), key.uid)).status).toBe(200);
    await waitUntil(async () => (await get(alice.headers, key.uid)).json.status.lastUsedAt !== undefined, 10_000, 'lastUsedAt recorded');
    const { status } = (await get(alice.headers, key.uid)).json;
    expect(status.lastUsedAt).toMatch(RFC3339_MS);
    expect(Date.parse(status.lastUsedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(status.lastUsedFrom).toEqual(['127.0.0.1']);
    expect(await h.current.head()).toBe(head);
    const palette = await get(alice.headers, key.uid, true);
    expect(palette.json.status).toEqual({ isActive: true });
    const listed = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query: { limit: 10 } });
    expect(listed.json.items[0].status.lastUsedAt).toBe(status.lastUsedAt);
  });

  it('a failed use is not a use', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('revoked'));
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    expect((await get(asKey(key.apiKey), key.uid)).status).toBe(401);
    const used = await h.current.createKey(alice.headers, createBody('used'));
    expect((await get(asKey(used.apiKey), used.uid)).status).toBe(200);
    await waitUntil(async () => (await get(alice.headers, used.uid)).json.status.lastUsedAt !== undefined, 10_000, 'the other key recorded');
    expect((await get(alice.headers, key.uid)).json.status).not.toHaveProperty('lastUsedAt');
  });

  it('filters keys unused for N days, and refuses a bad N', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('fresh'));
    // Created just now: not unused for a day yet, whether used or not.
    const page = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query: { unusedForDays: 1 } });
    expect(page.status, page.text).toBe(200);
    expect(page.json.items).toEqual([]);
    const all = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query: { limit: 10 } });
    expect(all.json.items.map((item: { metadata: { uid: string } }) => item.metadata.uid)).toEqual([key.uid]);
    for (const bad of ['0', '-3', 'abc', '1.5', '3651']) {
      const response = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query: { unusedForDays: bad } });
      expectProblem(response, 400, 'InvalidRequest');
      expect(fieldsOf(response)).toContain('unusedForDays');
    }
  });
});
