import { describe, expect, it } from 'vitest';
import { READ_MODELS, actor, createBody, expectProblem, fieldsOf, randomId, tenantWithUsers, useApp } from './harness.js';

type Item = { metadata: { uid: string; name: string; creationTimestamp: string; annotations: { ownerUid: string } }; status: { isActive: boolean } };
const uids = (items: Item[]) => items.map((item) => item.metadata.uid);

/** Newest first: creation time descending (ties broken by uid, descending). */
const expectNewestFirst = (items: Item[]) => {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!.metadata, items[i]!.metadata];
    const ordered = a.creationTimestamp > b.creationTimestamp || (a.creationTimestamp === b.creationTimestamp && a.uid > b.uid);
    expect(ordered, `${a.creationTimestamp}/${a.uid} before ${b.creationTimestamp}/${b.uid}`).toBe(true);
  }
};

describe.each(READ_MODELS)('listing (%s read model)', (kind) => {
  const h = useApp(kind);

  /** A tenant with 25 keys over three owners (each within MAX_KEYS_PER_USER), in creation order. */
  const seedTenant = async () => {
    const tenant = randomId('tenant');
    const admin = await actor(tenant, { admin: true });
    const owners = await Promise.all([actor(tenant), actor(tenant), actor(tenant)]);
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      const owner = owners[i % 3]!;
      created.push((await h.current.createKey(owner.headers, createBody(`Key-${String(i).padStart(2, '0')}${i % 5 === 0 ? '-Deploy' : ''}`))).uid);
    }
    return { admin, owners, created };
  };

  it('pages of 7 over 25 keys return every key once, newest first, with count and a final empty cursor', async () => {
    const { admin, created } = await seedTenant();
    const { items, pages } = await h.current.listAll(admin.headers, {}, 7);
    expect(pages.map((page) => page.json.listmeta.count)).toEqual([7, 7, 7, 4]);
    for (const page of pages) expect(page.json.items).toHaveLength(page.json.listmeta.count);
    expect(pages.at(-1)!.json.listmeta.continue).toBe('');
    expect(new Set(uids(items)).size).toBe(25);
    expect(uids(items)).toEqual([...created].reverse());
    expectNewestFirst(items);
    // Any page size gives the same sequence.
    for (const limit of [1, 24, 25, 26, 500]) expect(uids((await h.current.listAll(admin.headers, {}, limit)).items)).toEqual(uids(items));
  });

  it('the default page size is 100 and a user pages through their own keys only', async () => {
    const { admin, owners, created } = await seedTenant();
    const first = await h.current.call('GET', '/v1/apiKeys', { headers: admin.headers });
    expect(first.json.listmeta).toEqual({ continue: '', count: 25 });
    const own = await h.current.listAll(owners[0]!.headers, {}, 2);
    expect(uids(own.items)).toEqual(created.filter((_, i) => i % 3 === 0).reverse());
    expect(own.pages).toHaveLength(5);
  });

  it('keys created while paging do not repeat or shift the pages already served', async () => {
    const { admin, owners, created } = await seedTenant();
    const first = await h.current.call('GET', '/v1/apiKeys', { headers: admin.headers, query: { limit: 10 } });
    await h.current.createKey(owners[1]!.headers, createBody('late-arrival'));
    const rest = await h.current.listAll(admin.headers, { continue: first.json.listmeta.continue }, 10);
    expect([...uids(first.json.items), ...uids(rest.items)]).toEqual([...created].reverse());
  });

  it('filters: userUid, isActive and q (case-insensitive name contains), alone and combined, across pages', async () => {
    const { admin, owners, created } = await seedTenant();
    const revoked = [created[0]!, created[3]!, created[10]!];
    for (const uid of revoked) {
      expect((await h.current.call('PUT', `/v1/apiKeys/${uid}/state`, { headers: admin.headers, body: { isActive: false } })).status).toBe(204);
    }
    const owner = owners[0]!;
    const byOwner = await h.current.listAll(admin.headers, { userUid: owner.userId }, 3);
    expect(uids(byOwner.items)).toEqual(created.filter((_, i) => i % 3 === 0).reverse());
    expect(byOwner.items.every((item: Item) => item.metadata.annotations.ownerUid === owner.userId)).toBe(true);

    const inactive = await h.current.listAll(admin.headers, { isActive: false }, 2);
    expect(new Set(uids(inactive.items))).toEqual(new Set(revoked));
    const active = await h.current.listAll(admin.headers, { isActive: true }, 4);
    expect(active.items).toHaveLength(22);
    expect(active.items.every((item: Item) => item.status.isActive)).toBe(true);

    const deploy = await h.current.listAll(admin.headers, { q: 'dEpLoY' }, 2);
    expect(uids(deploy.items)).toEqual(created.filter((_, i) => i % 5 === 0).reverse());
    expectNewestFirst(deploy.items);

    const combined = await h.current.listAll(admin.headers, { q: 'deploy', isActive: false, userUid: owner.userId });
    expect(uids(combined.items)).toEqual([created[0]!]);
    expect((await h.current.listAll(admin.headers, { q: 'nothing-matches' })).items).toEqual([]);
  });

  it('q treats % and _ as themselves', async () => {
    const { alice } = await tenantWithUsers();
    const percent = await h.current.createKey(alice.headers, createBody('100% done'));
    const underscore = await h.current.createKey(alice.headers, createBody('my_key'));
    await h.current.createKey(alice.headers, createBody('100 percent'));
    await h.current.createKey(alice.headers, createBody('myXkey'));
    expect(uids((await h.current.listAll(alice.headers, { q: '%' })).items)).toEqual([percent.uid]);
    expect(uids((await h.current.listAll(alice.headers, { q: '_' })).items)).toEqual([underscore.uid]);
  });

  it.each([
    ['a garbage continue', { continue: 'garbage!!' }, 'continue'],
    ['a base64url continue that is no cursor', { continue: Buffer.from('{"a":1}').toString('base64url') }, 'continue'],
    ['a continue with a bad date', { continue: Buffer.from('["yesterday","abc"]').toString('base64url') }, 'continue'],
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 501', { limit: 501 }, 'limit'],
    ['limit -1', { limit: -1 }, 'limit'],
    ['limit 2.5', { limit: 2.5 }, 'limit'],
    ['limit abc', { limit: 'abc' }, 'limit'],
    ['isActive maybe', { isActive: 'maybe' }, 'isActive'],
    ['an empty q', { q: '' }, 'q'],
  ])('%s is 400 InvalidRequest naming the parameter', async (_case, query, field) => {
    const { alice } = await tenantWithUsers();
    await h.current.createKey(alice.headers, createBody('k'));
    const response = await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers, query });
    expectProblem(response, 400, 'InvalidRequest');
    expect(fieldsOf(response)).toContain(field);
  });
});
