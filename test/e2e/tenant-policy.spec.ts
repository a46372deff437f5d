import { describe, expect, it } from 'vitest';
import {
  MAX_KEY_LIFETIME_DAYS,
  MAX_KEYS_PER_USER,
  READ_MODELS,
  asKey,
  createBody,
  expectProblem,
  fieldsOf,
  inDays,
  tenantWithUsers,
  useApp,
} from './harness.js';

const policyUrl = (tenant: string) => `/v1/tenants/${encodeURIComponent(tenant)}/apiKeyPolicy`;
const violationsUrl = (tenant: string) => `${policyUrl(tenant)}/violations`;
const strict = { maxKeyLifetimeDays: 30, maxKeysPerUser: 3, requireDescription: true };

describe.each(READ_MODELS)('tenant API key policy (%s read model)', (kind) => {
  const h = useApp(kind);

  it('a tenant that set none has the configured defaults, with ETag "0"', async () => {
    const { tenant, admin } = await tenantWithUsers();
    const response = await h.current.call('GET', policyUrl(tenant), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({
      tenantUid: tenant,
      maxKeyLifetimeDays: MAX_KEY_LIFETIME_DAYS,
      maxKeysPerUser: MAX_KEYS_PER_USER,
      requireDescription: false,
      source: 'default',
    });
    expect(response.headers.etag).toBe('"0"');
  });

  it('only the tenant’s own admins: a plain user is refused (403), another tenant’s admin finds nothing (404), nothing is written', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const other = await tenantWithUsers();
    const head = await h.current.head();
    expectProblem(await h.current.call('GET', policyUrl(tenant), { headers: alice.headers }), 403, 'Forbidden');
    expectProblem(await h.current.call('PUT', policyUrl(tenant), { headers: alice.headers, body: strict }), 403, 'Forbidden');
    expectProblem(await h.current.call('GET', violationsUrl(tenant), { headers: alice.headers }), 403, 'Forbidden');
    expectProblem(await h.current.call('GET', policyUrl(tenant), { headers: other.admin.headers }), 404, 'ResourceNotFound');
    expectProblem(await h.current.call('PUT', policyUrl(tenant), { headers: other.admin.headers, body: strict }), 404, 'ResourceNotFound');
    expectProblem(await h.current.call('GET', violationsUrl(tenant), { headers: other.admin.headers }), 404, 'ResourceNotFound');
    expectProblem(await h.current.call('GET', policyUrl(tenant)), 401, 'Unauthorized');
    expect(await h.current.head()).toBe(head);
  });

  it.each([
    ['a lifetime of 0', { ...strict, maxKeyLifetimeDays: 0 }, 'maxKeyLifetimeDays'],
    ['a lifetime of 3651 days', { ...strict, maxKeyLifetimeDays: 3651 }, 'maxKeyLifetimeDays'],
    ['a lifetime as a string', { ...strict, maxKeyLifetimeDays: '30' }, 'maxKeyLifetimeDays'],
    ['a fractional lifetime', { ...strict, maxKeyLifetimeDays: 7.5 }, 'maxKeyLifetimeDays'],
    ['no lifetime member ("none" is how to say no maximum)', { maxKeysPerUser: 3, requireDescription: true }, 'maxKeyLifetimeDays'],
    ['a null lifetime (null is refused everywhere)', { ...strict, maxKeyLifetimeDays: null }, 'maxKeyLifetimeDays'],
    ['a lifetime of "never"', { ...strict, maxKeyLifetimeDays: 'never' }, 'maxKeyLifetimeDays'],
    ['0 keys per user', { ...strict, maxKeysPerUser: 0 }, 'maxKeysPerUser'],
    ['1001 keys per user', { ...strict, maxKeysPerUser: 1001 }, 'maxKeysPerUser'],
    ['requireDescription as a string', { ...strict, requireDescription: 'yes' }, 'requireDescription'],
    ['an unknown member', { ...strict, maxKeyAgeDays: 3 }, 'maxKeyAgeDays'],
  ])('PUT with %s is refused (400, naming the field) and writes nothing', async (_, body, field) => {
    const { tenant, admin } = await tenantWithUsers();
    const head = await h.current.head();
    const response = await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body });
    expectProblem(response, 400, 'InvalidRequest');
    expect(fieldsOf(response)).toContain(field);
    expect(await h.current.head()).toBe(head);
  });

  it('PUT with a body that is not JSON, or an array, is a 400', async () => {
    const { tenant, admin } = await tenantWithUsers();
    expectProblem(await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: '{"maxKeysPerUser":' }), 400, 'InvalidRequest');
    expectProblem(await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: [strict] }), 400, 'InvalidRequest');
  });

  it('a set policy is read back, guarded by ETag/If-Match, and a resend changes nothing', async () => {
    const { tenant, admin } = await tenantWithUsers();
    const put = await h.current.call('PUT', policyUrl(tenant), { headers: { ...admin.headers, 'if-match': '"0"' }, body: strict });
    expect(put.status, put.text).toBe(204);
    expect(put.headers.etag).toBe('"1"');
    const got = await h.current.call('GET', policyUrl(tenant), { headers: admin.headers });
    expect(got.json).toMatchObject({ tenantUid: tenant, ...strict, source: 'tenant', setAt: expect.any(String) });
    expect(got.headers.etag).toBe('"1"');
    expectProblem(await h.current.call('PUT', policyUrl(tenant), { headers: { ...admin.headers, 'if-match': '"0"' }, body: { ...strict, maxKeysPerUser: 4 } }), 412, 'PreconditionFailed');
    const head = await h.current.head();
    const again = await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: strict });
    expect(again.status).toBe(204);
    expect(await h.current.head()).toBe(head);
  });

  it('new keys follow the tenant’s policy at once: lifetime, required description, keys per user; other tenants keep the defaults', async () => {
    const { tenant, admin, alice } = await tenantWithUsers();
    const other = await tenantWithUsers();
    expect((await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: strict })).status).toBe(204);

    const tooFar = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('far', { description: 'd', expiry: inDays(31) }) });
    expectProblem(tooFar, 400, 'InvalidRequest');
    expect(tooFar.json.errors).toEqual([{ field: 'spec.expiry', message: 'must be at most 30 days ahead' }]);
    const undescribed = await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('bare', { expiry: inDays(10) }) });
    expectProblem(undescribed, 400, 'InvalidRequest');
    expect(fieldsOf(undescribed)).toEqual(['metadata.annotations.description']);

    for (let i = 0; i < 3; i++) await h.current.createKey(alice.headers, createBody(`k${i}`, { description: 'ok', expiry: inDays(29) }));
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('k3', { description: 'ok', expiry: inDays(29) }) }), 409, 'ApiKeyLimitReached');

    // The other tenant: the defaults (a year, no description needed).
    await h.current.createKey(other.alice.headers, createBody('far', { expiry: inDays(300) }));
  });

  it('a tightened lifetime applies to edits that move the expiry; existing keys are reported by the dry run, never cut', async () => {
    const { tenant, admin, alice, bob } = await tenantWithUsers();
    const longA = await h.current.createKey(alice.headers, createBody('long-a', { expiry: inDays(300) }));
    const longB = await h.current.createKey(bob.headers, createBody('long-b', { expiry: inDays(200) }));
    const short = await h.current.createKey(alice.headers, createBody('short', { expiry: inDays(10) }));
    const deleted = await h.current.createKey(bob.headers, createBody('gone', { expiry: inDays(250) }));
    expect((await h.current.call('DELETE', `/v1/apiKeys/${deleted.uid}`, { headers: bob.headers })).status).toBe(204);

    const before = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers });
    expect(before.status, before.text).toBe(200);
    expect(before.json.items).toEqual([]);

    const head = await h.current.head();
    expect((await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: { ...strict, requireDescription: false } })).status).toBe(204);
    const report = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers });
    expect(report.status, report.text).toBe(200);
    expect(report.json.maxKeyLifetimeDays).toBe(30);
    expect(new Date(report.json.expiresAfter).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(report.json.items.map((item: { uid: string }) => item.uid)).toEqual([longA.uid, longB.uid]);
    expect(report.json.items[0]).toEqual({ uid: longA.uid, name: 'long-a', ownerUid: alice.userId, expiry: expect.any(String), isActive: true, daysBeyond: 270 });
    expect(report.json.listmeta).toEqual({ continue: '', count: 2 });

    // The dry run wrote nothing (only the policy event), and the reported keys still work.
    expect(Number(await h.current.head())).toBe(Number(head) + 1);
    expect((await h.current.call('GET', `/v1/apiKeys/${longA.uid}`, { headers: asKey(longA.apiKey) })).status).toBe(200);

    // Paging, one key a page.
    const first = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers, query: { limit: 1 } });
    expect(first.json.items.map((item: { uid: string }) => item.uid)).toEqual([longA.uid]);
    const second = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers, query: { limit: 1, continue: first.json.listmeta.continue } });
    expect(second.json.items.map((item: { uid: string }) => item.uid)).toEqual([longB.uid]);
    expect(second.json.listmeta.continue).toBe('');

    // An edit that does not move the expiry still works; one that moves it beyond the lifetime does not.
    expect((await h.current.call('PUT', `/v1/apiKeys/${longA.uid}`, { headers: alice.headers, body: { metadata: { name: 'long-a2' } } })).status).toBe(204);
    const moved = await h.current.call('PUT', `/v1/apiKeys/${short.uid}`, { headers: alice.headers, body: { metadata: { name: 'short' }, spec: { expiry: inDays(60) } } });
    expectProblem(moved, 400, 'InvalidRequest');
    expect(fieldsOf(moved)).toEqual(['spec.expiry']);
    // Bringing a reported key within the lifetime takes it off the report.
    expect((await h.current.call('PUT', `/v1/apiKeys/${longB.uid}`, { headers: bob.headers, body: { metadata: { name: 'long-b' }, spec: { expiry: inDays(20) } } })).status).toBe(204);
    const after = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers });
    expect(after.json.items.map((item: { uid: string }) => item.uid)).toEqual([longA.uid]);
  });

  it('no maximum lifetime ("none"): any future expiry is accepted and nothing is reported', async () => {
    const { tenant, admin, alice } = await tenantWithUsers();
    expect((await h.current.call('PUT', policyUrl(tenant), { headers: admin.headers, body: { ...strict, maxKeyLifetimeDays: 'none', requireDescription: false } })).status).toBe(204);
    expect((await h.current.call('GET', policyUrl(tenant), { headers: admin.headers })).json).toMatchObject({ maxKeyLifetimeDays: 'none', source: 'tenant' });
    await h.current.createKey(alice.headers, createBody('decade', { expiry: inDays(3650 * 2) }));
    const report = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers });
    expect(report.json).toEqual({ maxKeyLifetimeDays: 'none', items: [], listmeta: { continue: '', count: 0 } });
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 501', { limit: 501 }, 'limit'],
    ['a limit that is not a number', { limit: 'many' }, 'limit'],
    ['a cursor never issued', { continue: 'bm90LWEtY3Vyc29y' }, 'continue'],
    ['a cursor with other characters', { continue: 'a b' }, 'continue'],
    ['an unknown parameter', { expired: 'true' }, 'expired'],
  ])('the dry run refuses %s (400)', async (_, query, field) => {
    const { tenant, admin } = await tenantWithUsers();
    const response = await h.current.call('GET', violationsUrl(tenant), { headers: admin.headers, query });
    expectProblem(response, 400, 'InvalidRequest');
    expect(fieldsOf(response)).toContain(field);
  });
});
