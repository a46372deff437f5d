import { describe, expect, it } from 'vitest';
import {
  READ_MODELS,
  RFC3339_MS,
  ZERO_TIME,
  actor,
  createBody,
  inDays,
  randomId,
  tenantWithUsers,
  useApp,
} from './harness.js';

/** What Palette's Go SDK (its strict generated client) and Palette-style scripts rely on. */
describe.each(READ_MODELS)('Palette compatibility (%s read model)', (kind) => {
  const h = useApp(kind);
  const get = async (headers: Record<string, string>, uid: string) =>
    (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers })).json;

  it('an empty state body {} revokes (the Go model drops a false bool), on PUT state and on PATCH', async () => {
    const { alice } = await tenantWithUsers();
    for (const method of ['PUT', 'PATCH'] as const) {
      const key = await h.current.createKey(alice.headers, createBody(`k-${method}`));
      const url = method === 'PUT' ? `/v1/apiKeys/${key.uid}/state` : `/v1/apiKeys/${key.uid}`;
      expect((await h.current.call(method, url, { headers: alice.headers, body: {} })).status).toBe(204);
      expect((await get(alice.headers, key.uid)).status.isActive).toBe(false);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } })).status).toBe(401);
    }
  });

  it('PATCH behaves exactly as PUT state: revoke, re-activate, and repeats are no-ops', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const patch = (isActive: boolean) => h.current.call('PATCH', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: { isActive } });
    for (const [isActive, works] of [[false, 401], [false, 401], [true, 200], [true, 200]] as const) {
      expect((await patch(isActive)).status).toBe(204);
      expect((await get(alice.headers, key.uid)).status.isActive).toBe(isActive);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } })).status).toBe(works);
    }
  });

  it('the zero time as expiry on update keeps the current expiry', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k', { expiry: inDays(45) }));
    const before = await get(alice.headers, key.uid);
    const response = await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, {
      headers: alice.headers,
      body: { metadata: { name: 'renamed' }, spec: { expiry: ZERO_TIME } },
    });
    expect(response.status).toBe(204);
    const after = await get(alice.headers, key.uid);
    expect(after.metadata.name).toBe('renamed');
    expect(after.spec.expiry).toBe(before.spec.expiry);
  });

  it('timestamps (and a uid) under metadata in a body are accepted and ignored', async () => {
    const { alice } = await tenantWithUsers();
    const fake = {
      creationTimestamp: '2001-01-01T00:00:00.000Z',
      lastModifiedTimestamp: ZERO_TIME,
      deletionTimestamp: ZERO_TIME,
      uid: 'f'.repeat(24),
    };
    const created = await h.current.call('POST', '/v1/apiKeys', {
      headers: alice.headers,
      body: { metadata: { name: 'k', ...fake }, spec: { expiry: inDays(10) } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.uid).not.toBe(fake.uid);
    const first = await get(alice.headers, created.json.uid);
    expect(first.metadata.creationTimestamp).not.toBe(fake.creationTimestamp);

    const edited = await h.current.call('PUT', `/v1/apiKeys/${created.json.uid}`, {
      headers: alice.headers,
      body: { metadata: { name: 'k2', ...fake }, spec: { expiry: ZERO_TIME } },
    });
    expect(edited.status, edited.text).toBe(204);
    const second = await get(alice.headers, created.json.uid);
    expect(second.metadata.uid).toBe(created.json.uid);
    expect(second.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp);
    expect(Date.parse(second.metadata.lastModifiedTimestamp)).toBeGreaterThanOrEqual(Date.parse(first.metadata.lastModifiedTimestamp));
    expect((await h.current.call('GET', `/v1/apiKeys/${fake.uid}`, { headers: alice.headers })).status).toBe(404);
  });

  it('times are RFC 3339 UTC with milliseconds, whatever form the expiry was sent in', async () => {
    const { alice } = await tenantWithUsers();
    const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const key = await h.current.createKey(alice.headers, createBody('k', { expiry: `${day}T12:00:00+02:00` }));
    const resource = await get(alice.headers, key.uid);
    expect(resource.spec.expiry).toBe(`${day}T10:00:00.000Z`);
    for (const time of [resource.spec.expiry, resource.metadata.creationTimestamp, resource.metadata.lastModifiedTimestamp]) {
      expect(time).toMatch(RFC3339_MS);
    }
    const listed = (await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers })).json.items[0];
    expect(listed).toEqual(resource);
  });

  it('items is always an array, even when there is nothing to list', async () => {
    const nobody = await actor(randomId('tenant'));
    const response = await h.current.call('GET', '/v1/apiKeys', { headers: nobody.headers });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ items: [], listmeta: { continue: '', count: 0 } });
    const filtered = await h.current.call('GET', '/v1/apiKeys', { headers: nobody.headers, query: { q: 'none', isActive: false } });
    expect(filtered.json.items).toEqual([]);
  });

  it('the apiKey header name is case-insensitive', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    for (const name of ['apiKey', 'ApiKey', 'apikey', 'APIKEY']) {
      const response = await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { [name]: key.apiKey } });
      expect(response.status, name).toBe(200);
    }
  });

  it('Authorization takes the raw token (as Palette sends it) and the Bearer form', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    for (const authorization of [alice.token, `Bearer ${alice.token}`, `bearer ${alice.token}`]) {
      const response = await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { authorization } });
      expect(response.status, authorization.slice(0, 7)).toBe(200);
    }
  });

  it('a ProjectUid header is accepted and ignored: keys are tenant-scoped', async () => {
    const { admin, alice } = await tenantWithUsers();
    const withProject = (headers: Record<string, string>, project: string) => ({ ...headers, ProjectUid: project });
    const key = await h.current.createKey(withProject(alice.headers, 'project-a'), createBody('k'));
    const plain = await h.current.call('GET', '/v1/apiKeys', { headers: admin.headers });
    const other = await h.current.call('GET', '/v1/apiKeys', { headers: withProject(admin.headers, 'project-b') });
    expect(other.json).toEqual(plain.json);
    expect(plain.json.items.map((item: { metadata: { uid: string } }) => item.metadata.uid)).toEqual([key.uid]);
    const viaKey = await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: withProject({ apiKey: key.apiKey }, 'project-c') });
    expect(viaKey.status).toBe(200);
  });

  it('the key value authenticates as the apiKey header, as Palette’s docs validate it', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const response = await h.current.call('GET', '/v1/apiKeys', { headers: { ApiKey: key.apiKey } });
    expect(response.status).toBe(200);
    expect(response.json.items.map((item: { metadata: { uid: string } }) => item.metadata.uid)).toEqual([key.uid]);
  });
});
