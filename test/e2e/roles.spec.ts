import { describe, expect, it } from 'vitest';
import {
  type E2eApp,
  type Headers,
  READ_MODELS,
  asKey,
  createBody,
  expectProblem,
  inDays,
  tenantWithUsers,
  useApp,
} from './harness.js';

/** The "who may do what" table of the contract, every row, over HTTP with real tokens and keys. */
describe.each(READ_MODELS)('roles and visibility (%s read model)', (kind) => {
  const h = useApp(kind);
  const uidsOf = (items: { metadata: { uid: string } }[]) => items.map((item) => item.metadata.uid).sort();
  const get = (as: Headers, uid: string) => h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: as });

  it('a tenant admin lists every key of the tenant; a user lists only their own', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const a = await h.current.createKey(alice.headers, createBody('alice-key'));
    const b = await h.current.createKey(bob.headers, createBody('bob-key'));
    const own = await h.current.createKey(admin.headers, createBody('admin-key'));

    expect(uidsOf((await h.current.listAll(admin.headers)).items)).toEqual([a.uid, b.uid, own.uid].sort());
    expect(uidsOf((await h.current.listAll(alice.headers)).items)).toEqual([a.uid]);
    expect(uidsOf((await h.current.listAll(bob.headers)).items)).toEqual([b.uid]);
    // The same holds for the keys themselves: an admin's key lists all, a user's key its owner's.
    expect(uidsOf((await h.current.listAll(asKey(own.apiKey))).items)).toEqual([a.uid, b.uid, own.uid].sort());
    expect(uidsOf((await h.current.listAll(asKey(a.apiKey))).items)).toEqual([a.uid]);
  });

  it('user info says the effective role as an extension, and only when asked (Palette sees its three members)', async () => {
    const { admin, alice } = await tenantWithUsers();
    const adminKey = await h.current.createKey(admin.headers, createBody('admin-key'));
    const aliceKey = await h.current.createKey(alice.headers, createBody('alice-key'));
    const info = (as: Headers, paletteOnly = false) => h.current.call('GET', '/v1/users/info', { headers: as, paletteOnly });

    expect((await info(admin.headers)).json).toEqual({ userUid: admin.userId, tenantUid: admin.tenant, orgName: admin.tenant, role: 'tenant-admin' });
    expect((await info(alice.headers)).json).toEqual({ userUid: alice.userId, tenantUid: alice.tenant, orgName: alice.tenant, role: 'user' });
    // A key answers with its owner's role, as it acts.
    expect((await info(asKey(adminKey.apiKey))).json.role).toBe('tenant-admin');
    expect((await info(asKey(aliceKey.apiKey))).json.role).toBe('user');
    expect(Object.keys((await info(admin.headers, true)).json)).toEqual(['userUid', 'tenantUid', 'orgName']);
  });

  it('a user asking for another user’s keys sees none of them', async () => {
    const { alice, bob } = await tenantWithUsers();
    await h.current.createKey(bob.headers, createBody('bob-key'));
    const response = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query: { userUid: bob.userId } });
    expect(response.status).toBe(200);
    expect(response.json.items).toEqual([]);
  });

  it('both create their own keys, with the scope of their role', async () => {
    const { admin, alice } = await tenantWithUsers();
    const mine = await h.current.createKey(admin.headers, createBody('admin-own'));
    const hers = await h.current.createKey(alice.headers, createBody('alice-own'));

    const adminKey = (await get(admin.headers, mine.uid)).json;
    expect(adminKey.metadata.annotations).toMatchObject({ ownerUid: admin.userId, tenantUid: admin.tenant, scope: 'tenant' });
    expect(adminKey.spec.user).toEqual({ uid: admin.userId, firstName: `First-${admin.userId}`, lastName: `Last-${admin.userId}` });
    const aliceKey = (await get(alice.headers, hers.uid)).json;
    expect(aliceKey.metadata.annotations).toMatchObject({ ownerUid: alice.userId, tenantUid: alice.tenant, scope: 'user' });
  });

  it('a tenant admin creates a key for another user: it is that user’s, with user scope and no admin rights', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const bobs = await h.current.createKey(bob.headers, createBody('bob-key'));
    const forAlice = await h.current.createKey(admin.headers, createBody('for-alice', { userUid: alice.userId }));

    const resource = (await get(alice.headers, forAlice.uid)).json;
    expect(resource.metadata.annotations).toMatchObject({ ownerUid: alice.userId, scope: 'user' });
    expect(resource.spec.user.uid).toBe(alice.userId);
    // The key acts as Alice, a plain user: her keys only, Bob's key invisible.
    expect(uidsOf((await h.current.listAll(asKey(forAlice.apiKey))).items)).toEqual([forAlice.uid]);
    expectProblem(await get(asKey(forAlice.apiKey), bobs.uid), 404, 'ResourceNotFound');
  });

  it('a user creating a key for another user gets 403, and nothing is written', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const head = await h.current.head();
    const response = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('x', { userUid: bob.userId }) });
    expectProblem(response, 403, 'Forbidden');
    expect(await h.current.head()).toBe(head);
    expect((await h.current.listAll(admin.headers)).items).toEqual([]);
  });

  describe.each([
    ['PUT /{uid}', (app: E2eApp, as: Headers, uid: string) => app.call('PUT', `/v1/apiKeys/${uid}`, { headers: as, body: { metadata: { name: 'renamed' }, spec: { expiry: inDays(10) } } })],
    ['PUT /{uid}/state (revoke)', (app: E2eApp, as: Headers, uid: string) => app.call('PUT', `/v1/apiKeys/${uid}/state`, { headers: as, body: { isActive: false } })],
    ['PATCH /{uid} (revoke)', (app: E2eApp, as: Headers, uid: string) => app.call('PATCH', `/v1/apiKeys/${uid}`, { headers: as, body: { isActive: false } })],
    ['DELETE /{uid}', (app: E2eApp, as: Headers, uid: string) => app.call('DELETE', `/v1/apiKeys/${uid}`, { headers: as })],
  ])('%s', (_route, change) => {
    it('a tenant admin may change any key of the tenant', async () => {
      const { admin, alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, createBody('alice-key'));
      expect((await change(h.current, admin.headers, key.uid)).status).toBe(204);
    });

    it('a user may change their own key', async () => {
      const { alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, createBody('alice-key'));
      expect((await change(h.current, alice.headers, key.uid)).status).toBe(204);
    });

    it('a user gets 404 on another user’s key, which stays as it was', async () => {
      const { admin, alice, bob } = await tenantWithUsers();
      const key = await h.current.createKey(bob.headers, createBody('bob-key'));
      const before = (await get(admin.headers, key.uid)).text;
      expectProblem(await change(h.current, alice.headers, key.uid), 404, 'ResourceNotFound');
      expectProblem(await get(alice.headers, key.uid), 404, 'ResourceNotFound');
      expect((await get(admin.headers, key.uid)).text).toBe(before);
    });

    it('a tenant admin of another tenant gets 404, and the key stays as it was', async () => {
      const home = await tenantWithUsers();
      const other = await tenantWithUsers();
      const key = await h.current.createKey(home.alice.headers, createBody('home-key'));
      const before = (await get(home.admin.headers, key.uid)).text;
      expectProblem(await change(h.current, other.admin.headers, key.uid), 404, 'ResourceNotFound');
      expect((await get(home.admin.headers, key.uid)).text).toBe(before);
    });
  });

  it('re-activation follows the same rule: admin any key, user own, another user 404', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('alice-key'));
    const state = (as: Headers, isActive: boolean) => h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: as, body: { isActive } });

    expect((await state(alice.headers, false)).status).toBe(204);
    expectProblem(await state(bob.headers, true), 404, 'ResourceNotFound');
    expect((await get(admin.headers, key.uid)).json.status.isActive).toBe(false);
    expect((await state(admin.headers, true)).status).toBe(204);
    expect((await state(alice.headers, false)).status).toBe(204);
    expect((await state(alice.headers, true)).status).toBe(204);
    expect((await get(alice.headers, key.uid)).json.status.isActive).toBe(true);
  });

  it('nobody can reassign a key, not even a tenant admin (400 ApiKeyOwnerImmutable)', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('alice-key'));
    const before = (await get(admin.headers, key.uid)).text;
    const reassign = (as: Headers, userUid: string) =>
      h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: as, body: { metadata: { name: 'moved' }, spec: { userUid } } });

    expectProblem(await reassign(admin.headers, bob.userId), 400, 'ApiKeyOwnerImmutable');
    expectProblem(await reassign(alice.headers, bob.userId), 400, 'ApiKeyOwnerImmutable');
    expectProblem(await reassign(admin.headers, admin.userId), 400, 'ApiKeyOwnerImmutable');
    expect((await get(admin.headers, key.uid)).text).toBe(before);
    // Naming the current owner is not a reassignment.
    expect((await reassign(admin.headers, alice.userId)).status).toBe(204);
    expect((await get(alice.headers, key.uid)).json.metadata.annotations.ownerUid).toBe(alice.userId);
  });

  it('the key value is never shown again: GET and lists hold neither the value, its secret nor a hash', async () => {
    const { admin, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('secret-key', { description: 'never leak' }));
    const secret = key.apiKey.split('_').at(-1)!;
    expect(secret.length).toBeGreaterThan(40);
    const texts = [
      (await get(alice.headers, key.uid)).text,
      (await get(admin.headers, key.uid)).text,
      (await get(asKey(key.apiKey), key.uid)).text,
      ...(await h.current.listAll(alice.headers)).pages.map((page) => page.text),
      ...(await h.current.listAll(admin.headers)).pages.map((page) => page.text),
      ...(await h.current.listAll(asKey(key.apiKey))).pages.map((page) => page.text),
    ];
    for (const text of texts) {
      expect(text).toContain(key.uid);
      expect(text).not.toContain(key.apiKey);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 16));
      expect(text.toLowerCase()).not.toContain('scrypt');
      expect(text).not.toMatch(/"(apiKey|secret|secretHash|hash|salt)"/i);
    }
  });

  it('a tenant admin of another tenant never sees the key, in lists or by filters', async () => {
    const home = await tenantWithUsers();
    const other = await tenantWithUsers();
    const key = await h.current.createKey(home.alice.headers, createBody('home-key'));
    await h.current.createKey(other.alice.headers, createBody('other-key'));

    expectProblem(await get(other.admin.headers, key.uid), 404, 'ResourceNotFound');
    const lists = [
      await h.current.listAll(other.admin.headers),
      await h.current.listAll(other.admin.headers, { userUid: home.alice.userId }),
      await h.current.listAll(other.admin.headers, { q: 'home' }),
    ];
    for (const list of lists) expect(uidsOf(list.items)).not.toContain(key.uid);
    expect(lists[1]!.items).toEqual([]);
  });
});
