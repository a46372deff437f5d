import { describe, expect, it } from 'vitest';
import { API_KEY_VIEWS, KeyUsageRecorder } from '@keystream/api-keys';
import { rebuildProjections } from '@keystream/processing';
import type { ReadModel } from '@keystream/read-model';
import {
  type Actor,
  type E2eApp,
  READ_MODELS,
  createBody,
  inDays,
  tenantWithUsers,
  useApp,
} from './harness.js';

/** Rebuilding the projections from the event log gives back the very same views. */
describe.each(READ_MODELS)('projection rebuild (%s read model)', (kind) => {
  const h = useApp(kind);

  /** Two tenants, several owners, keys in every state, some edited more than once. */
  const seed = async (app: E2eApp) => {
    const tenants = [await tenantWithUsers(), await tenantWithUsers()];
    const keys: { uid: string; apiKey: string; owner: Actor; fate: 'active' | 'revoked' | 'deleted' | 'reactivated' }[] = [];
    for (const [t, { admin, alice, bob }] of tenants.entries()) {
      const fates = ['active', 'revoked', 'deleted', 'reactivated', 'active', 'revoked'] as const;
      for (const [i, fate] of fates.entries()) {
        const owner = [admin, alice, bob][i % 3]!;
        const body = i === 4 ? createBody(`t${t}-k${i}`, { userUid: alice.userId }) : createBody(`t${t}-k${i}`, { description: `key ${i}` });
        const created = await app.createKey(i === 4 ? admin.headers : owner.headers, body);
        keys.push({ ...created, owner: i === 4 ? alice : owner, fate });
      }
    }
    for (const [i, key] of keys.entries()) {
      const url = `/v1/apiKeys/${key.uid}`;
      const as = key.owner.headers;
      if (i % 2 === 0) {
        expect((await app.call('PUT', url, { headers: as, body: { metadata: { name: `renamed-${i}`, annotations: { description: `edited ${i}` } }, spec: { expiry: inDays(40 + i) } } })).status).toBe(204);
        expect((await app.call('PUT', url, { headers: as, body: { metadata: { name: `renamed-again-${i}` } } })).status).toBe(204);
      }
      if (key.fate === 'revoked' || key.fate === 'reactivated') {
        expect((await app.call('PUT', `${url}/state`, { headers: as, body: { isActive: false } })).status).toBe(204);
      }
      if (key.fate === 'reactivated') expect((await app.call('PATCH', url, { headers: as, body: { isActive: true } })).status).toBe(204);
      if (key.fate === 'deleted') expect((await app.call('DELETE', url, { headers: as })).status).toBe(204);
    }
    return { tenants, keys };
  };

  /** Every view a client can see, as raw response texts: all admin pages, each user's list, each key with its ETag. */
  const capture = async (app: E2eApp, seeded: Awaited<ReturnType<typeof seed>>) => {
    // Last use (status.lastUsedAt, shown with the extensions) is not a projection: a rebuild never
    // touches it, but its 2 s flush must not land between two captures, so every use so far is written first.
    await app.app.get(KeyUsageRecorder).flush({ all: true });
    const views: string[] = [];
    for (const { admin, alice, bob } of seeded.tenants) {
      views.push(...(await app.listAll(admin.headers, {}, 4)).pages.map((page) => page.text));
      views.push(...(await app.listAll(alice.headers)).pages.map((page) => page.text));
      views.push(...(await app.listAll(bob.headers)).pages.map((page) => page.text));
      views.push(...(await app.listAll(admin.headers, { isActive: false })).pages.map((page) => page.text));
    }
    for (const key of seeded.keys) {
      const response = await app.call('GET', `/v1/apiKeys/${key.uid}`, { headers: key.owner.headers });
      views.push(`${response.status} ${response.headers.etag ?? ''} ${response.text}`);
    }
    return views.join('\n');
  };

  const expectVerificationMatchesFates = async (app: E2eApp, keys: Awaited<ReturnType<typeof seed>>['keys']) => {
    for (const key of keys) {
      const response = await app.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } });
      expect(response.status, `${key.fate} key`).toBe(key.fate === 'active' || key.fate === 'reactivated' ? 200 : 401);
    }
  };

  it('the listing, every page and GET, is byte for byte the same after a rebuild, and verification agrees', async () => {
    const seeded = await seed(h.current);
    await expectVerificationMatchesFates(h.current, seeded.keys);
    const before = await capture(h.current, seeded);

    const { events } = await rebuildProjections(h.current.eventStore(), h.current.readModel(), API_KEY_VIEWS);
    expect(events).toBeGreaterThan(0);

    expect(await capture(h.current, seeded)).toBe(before);
    await expectVerificationMatchesFates(h.current, seeded.keys);
  });

  it('after a rebuild, commands still answer only once the views show them', async () => {
    const seeded = await seed(h.current);
    await rebuildProjections(h.current.eventStore(), h.current.readModel(), API_KEY_VIEWS);

    const active = seeded.keys.find((key) => key.fate === 'active')!;
    expect((await h.current.call('PUT', `/v1/apiKeys/${active.uid}/state`, { headers: active.owner.headers, body: {} })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: active.apiKey } })).status).toBe(401);
    const { alice } = seeded.tenants[0]!;
    const fresh = await h.current.createKey(alice.headers, createBody('after-rebuild'));
    expect((await h.current.call('GET', `/v1/apiKeys/${fresh.uid}`, { headers: { apiKey: fresh.apiKey } })).status).toBe(200);
    expect((await h.current.listAll(alice.headers)).items.map((item) => item.metadata.uid)).toContain(fresh.uid);
  });

  it('rebuilding twice in a row changes nothing', async () => {
    const seeded = await seed(h.current);
    const before = await capture(h.current, seeded);
    await rebuildProjections(h.current.eventStore(), h.current.readModel(), API_KEY_VIEWS);
    await rebuildProjections(h.current.eventStore(), h.current.readModel(), API_KEY_VIEWS);
    expect(await capture(h.current, seeded)).toBe(before);
    await expectVerificationMatchesFates(h.current, seeded.keys);
  });

  /**
   * The read model as rebuildProjections sees it, except that `beforeSwap` runs once (changes made
   * over HTTP, answered 204) after the shadow is built and before it is first offered for the swap:
   * the window in which live processors move on while the rebuild finishes.
   */
  const withChangesBeforeSwap = (readModel: ReadModel, beforeSwap: () => Promise<void>): ReadModel => {
    let pending: (() => Promise<void>) | undefined = beforeSwap;
    return new Proxy(readModel, {
      get(target, property, receiver) {
        if (property === 'swapInShadow') {
          return async (...args: Parameters<ReadModel['swapInShadow']>) => {
            const changes = pending;
            pending = undefined;
            await changes?.();
            return target.swapInShadow(...args);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };

  it('a key revoked while a rebuild runs stays refused after the swap, and the views keep every change', async () => {
    const seeded = await seed(h.current);
    const [revokedDuring, editedDuring] = seeded.keys.filter((key) => key.fate === 'active');
    const during = async () => {
      expect((await h.current.call('PUT', `/v1/apiKeys/${revokedDuring!.uid}/state`, { headers: revokedDuring!.owner.headers, body: {} })).status).toBe(204);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: revokedDuring!.apiKey } })).status).toBe(401);
      const rename = { metadata: { name: 'renamed-during-rebuild' } };
      expect((await h.current.call('PUT', `/v1/apiKeys/${editedDuring!.uid}`, { headers: editedDuring!.owner.headers, body: rename })).status).toBe(204);
    };

    await rebuildProjections(h.current.eventStore(), withChangesBeforeSwap(h.current.readModel(), during), API_KEY_VIEWS);

    expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: revokedDuring!.apiKey } })).status).toBe(401);
    const revoked = await h.current.call('GET', `/v1/apiKeys/${revokedDuring!.uid}`, { headers: revokedDuring!.owner.headers });
    expect(revoked.json.status.isActive).toBe(false);
    const edited = await h.current.call('GET', `/v1/apiKeys/${editedDuring!.uid}`, { headers: editedDuring!.owner.headers });
    expect(edited.json.metadata.name).toBe('renamed-during-rebuild');
  });
});
