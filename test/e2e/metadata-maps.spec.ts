import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { READ_MODELS, createBody, inDays, tenantWithUsers, useApp, waitUntil } from './harness.js';

/** Palette's free-form `metadata.annotations` and `metadata.labels`, end to end. */
describe.each(READ_MODELS)('annotations and labels (%s read model)', (kind) => {
  const h = useApp(kind);
  const get = async (headers: Record<string, string>, uid: string) => (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers })).json;

  it('stores them on create and shows them on get and list, beside the four annotations Keystream sets', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const body = createBody('k', { description: 'deploys' });
    const key = await h.current.createKey(alice.headers, {
      ...body,
      metadata: { ...body.metadata, annotations: { description: 'deploys', 'example.com/team': 'platform', Description: 'SDK' }, labels: { env: 'prod' } },
    });
    const resource = await get(alice.headers, key.uid);
    expect(resource.metadata.annotations).toEqual({
      description: 'deploys',
      'example.com/team': 'platform',
      Description: 'SDK',
      ownerUid: alice.userId,
      tenantUid: tenant,
      scope: 'user',
    });
    expect(resource.metadata.labels).toEqual({ env: 'prod' });
    const listed = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers });
    expect(listed.json.items[0].metadata).toEqual(resource.metadata);
  });

  it('an update replaces the maps it is given, keeps those it is not, and ignores the read-only annotations', async () => {
    const { alice } = await tenantWithUsers();
    const body = createBody('k');
    const key = await h.current.createKey(alice.headers, { ...body, metadata: { ...body.metadata, annotations: { a: '1', b: '2' }, labels: { env: 'dev' } } });
    const put = (metadata: object) => h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: { metadata: { name: 'k', ...metadata } } });

    expect((await put({ annotations: { a: '1', c: '3', ownerUid: 'mallory', scope: 'tenant' } })).status).toBe(204);
    let resource = await get(alice.headers, key.uid);
    expect(resource.metadata.annotations).toMatchObject({ a: '1', c: '3', ownerUid: alice.userId, scope: 'user' });
    expect(resource.metadata.annotations.b).toBeUndefined();
    expect(resource.metadata.labels).toEqual({ env: 'dev' });

    expect((await put({ labels: {} })).status).toBe(204);
    resource = await get(alice.headers, key.uid);
    expect(resource.metadata.labels).toBeUndefined();
    expect(resource.metadata.annotations).toMatchObject({ a: '1', c: '3' });

    // A GET's metadata sent back as it is changes nothing: no event is appended.
    const head = await h.current.head();
    const unchanged = await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: { metadata: resource.metadata, spec: { expiry: resource.spec.expiry } } });
    expect(unchanged.status, unchanged.text).toBe(204);
    expect(await h.current.head()).toBe(head);
  });

  it('a key created before annotations and labels existed (event schema version 1) still replays', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const keyId = randomUUID().replaceAll('-', '').slice(0, 24);
    const now = new Date().toISOString();
    const appended = await h.current.eventStore().appendToStream(
      `apikey-${keyId}`,
      [
        {
          id: randomUUID(),
          type: 'KeyCreated',
          data: {
            tenantId: tenant, keyId, ownerId: alice.userId, ownerFirstName: '', ownerLastName: '', name: 'old', description: 'from v1',
            scope: 'user', expiresAt: inDays(10), secretHash: 'scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA', createdAt: now,
          },
          metadata: { schemaVersion: 1, tenantId: tenant, actor: { userId: alice.userId, via: 'jwt' }, occurredAt: now },
        },
      ],
      'no_stream',
    );
    await waitUntil(async () => (await h.current.call('GET', `/v1/apiKeys/${keyId}`, { headers: alice.headers })).status === 200, 10_000, 'the v1 key in the listing');
    const resource = await get(alice.headers, keyId);
    expect(resource.metadata.annotations).toEqual({ description: 'from v1', ownerUid: alice.userId, tenantUid: tenant, scope: 'user' });
    expect(resource.metadata.labels).toBeUndefined();
    expect(appended.nextExpectedRevision).toBe(0n);
    // And it takes labels like any other key.
    expect((await h.current.call('PUT', `/v1/apiKeys/${keyId}`, { headers: alice.headers, body: { metadata: { name: 'old', labels: { env: 'prod' } } } })).status).toBe(204);
    expect((await get(alice.headers, keyId)).metadata.labels).toEqual({ env: 'prod' });
  });
});
