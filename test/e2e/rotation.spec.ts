import { describe, expect, it } from 'vitest';
import { READ_MODELS, asKey, createBody, expectProblem, fieldsOf, tenantWithUsers, useApp, waitUntil } from './harness.js';

/** POST /v1/apiKeys/{uid}/rotate (issue 13): a new value once, the old one for a grace, then refused. */
describe.each(READ_MODELS)('key rotation (%s read model)', (kind) => {
  const h = useApp(kind);
  const rotate = (headers: Record<string, string>, uid: string, body?: unknown) =>
    h.current.call('POST', `/v1/apiKeys/${uid}/rotate`, { headers, ...(body === undefined ? {} : { body }) });
  /** The status a request authenticated with `value` gets. */
  const statusWith = async (value: string, uid: string) => (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: asKey(value) })).status;

  it('returns a new value once, keeps the old one working during the grace, and records KeyRotated without the value', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('ci'));
    const before = Date.now();
    const response = await rotate(alice.headers, key.uid, { gracePeriodSeconds: 3600 });
    expect(response.status, response.text).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.etag).toBe('"1"');
    expect(Object.keys(response.json).sort()).toEqual(['apiKey', 'previousValidUntil', 'uid']);
    expect(response.json.uid).toBe(key.uid);
    expect(response.json.apiKey).not.toBe(key.apiKey);
    expect(response.json.apiKey.startsWith(`ks_${key.uid}_`)).toBe(true);
    const graceEnd = Date.parse(response.json.previousValidUntil);
    expect(graceEnd).toBeGreaterThanOrEqual(before + 3600_000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(await statusWith(response.json.apiKey, key.uid)).toBe(200);
    expect(await statusWith(key.apiKey, key.uid)).toBe(200);
    const events = await h.current.eventStore().readStream(`apikey-${key.uid}`);
    expect(events.map((event) => event.type)).toEqual(['KeyCreated', 'KeyRotated']);
    const stored = JSON.stringify(events[1], (_, value) => (typeof value === 'bigint' ? String(value) : value));
    expect(stored).not.toContain(response.json.apiKey);
    expect(stored).not.toContain(response.json.apiKey.slice(28));
  });

  it('refuses the old value once the grace is over, and at once without a grace (an empty body means no grace)', async () => {
    const { alice } = await tenantWithUsers();
    const short = await h.current.createKey(alice.headers, createBody('short'));
    const rotated = await rotate(alice.headers, short.uid, { gracePeriodSeconds: 1 });
    expect(rotated.status, rotated.text).toBe(200);
    await waitUntil(async () => (await statusWith(short.apiKey, short.uid)) === 401, 5_000, 'the old value refused after its grace');
    expect(await statusWith(rotated.json.apiKey, short.uid)).toBe(200);

    const none = await h.current.createKey(alice.headers, createBody('none'));
    const now = await rotate(alice.headers, none.uid);
    expect(now.status, now.text).toBe(200);
    expect(await statusWith(none.apiKey, none.uid)).toBe(401);
    expect(await statusWith(now.json.apiKey, none.uid)).toBe(200);
  });

  it('a rotation during a grace ends that grace at once: only two values ever work', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('twice'));
    const second = (await rotate(alice.headers, key.uid, { gracePeriodSeconds: 3600 })).json.apiKey;
    const third = await rotate(alice.headers, key.uid, { gracePeriodSeconds: 600 });
    expect(third.status, third.text).toBe(200);
    expect(await statusWith(key.apiKey, key.uid)).toBe(401);
    expect(await statusWith(second, key.uid)).toBe(200);
    expect(await statusWith(third.json.apiKey, key.uid)).toBe(200);
  });

  it('lets a tenant admin rotate any key of the tenant; hides the key from other users', async () => {
    const { admin, alice, bob } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('shared'));
    expectProblem(await rotate(bob.headers, key.uid), 404, 'ResourceNotFound');
    const other = await tenantWithUsers();
    expectProblem(await rotate(other.admin.headers, key.uid), 404, 'ResourceNotFound');
    expect((await rotate(admin.headers, key.uid, { gracePeriodSeconds: 60 })).status).toBe(200);
  });

  it('refuses bad grace periods with 400 naming the field, and writes nothing', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('bad'));
    const head = await h.current.head();
    for (const body of [{ gracePeriodSeconds: -1 }, { gracePeriodSeconds: 604_801 }, { gracePeriodSeconds: 1.5 }, { gracePeriodSeconds: '60' }]) {
      const response = await rotate(alice.headers, key.uid, body);
      expectProblem(response, 400, 'InvalidRequest');
      expect(fieldsOf(response)).toContain('gracePeriodSeconds');
    }
    expectProblem(await rotate(alice.headers, key.uid, { grace: 60 }), 400, 'InvalidRequest');
    expectProblem(await rotate(alice.headers, key.uid, '{"gracePeriodSeconds":'), 400, 'InvalidRequest');
    expectProblem(await rotate(alice.headers, 'not-a-key-id'), 404, 'ResourceNotFound');
    expect(await h.current.head()).toBe(head);
    expect(await statusWith(key.apiKey, key.uid)).toBe(200);
  });

  it('rotates a revoked key only without a grace, so its old value stays dead after re-activation; a deleted key is not found', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('leaked'));
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    const withGrace = await rotate(alice.headers, key.uid, { gracePeriodSeconds: 60 });
    expectProblem(withGrace, 400, 'InvalidRequest');
    expect(fieldsOf(withGrace)).toEqual(['gracePeriodSeconds']);
    const fresh = await rotate(alice.headers, key.uid, { gracePeriodSeconds: 0 });
    expect(fresh.status, fresh.text).toBe(200);
    expect(await statusWith(fresh.json.apiKey, key.uid)).toBe(401);
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: true } })).status).toBe(204);
    expect(await statusWith(key.apiKey, key.uid)).toBe(401);
    expect(await statusWith(fresh.json.apiKey, key.uid)).toBe(200);
    expect((await h.current.call('DELETE', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).status).toBe(204);
    expectProblem(await rotate(alice.headers, key.uid), 404, 'ResourceNotFound');
  });
});
