import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixedClock } from '@keystream/clock';
import { type EventStore, InMemoryEventStore } from '@keystream/event-store';
import { RandomIdGenerator } from '@keystream/secrets';
import type { Caller } from '../../domain/index.js';
import { tenantStreamName } from '../domain/index.js';
import { TenantKeyPolicies } from './tenant-key-policies.js';

const defaults = { maxLifetimeDays: 365, maxKeysPerUser: 20 };
const admin: Caller = { kind: 'user', tenantId: 't1', userId: 'root', isTenantAdmin: true, via: 'jwt' };
const strict = { maxKeyLifetimeDays: 30, maxKeysPerUser: 5, requireDescription: true };
const instances: TenantKeyPolicies[] = [];

const instance = (store: EventStore) => {
  const policies = new TenantKeyPolicies(store, defaults, new RandomIdGenerator(), new FixedClock(new Date('2026-12-03T10:00:00.000Z')));
  instances.push(policies);
  return policies;
};

// The loop's timer never fires by itself here: each test calls look() where it means one.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
  for (const policies of instances.splice(0)) policies.onModuleDestroy();
});

describe('TenantKeyPolicies', () => {
  it('gives the configured defaults to a tenant that set none', async () => {
    const policies = instance(new InMemoryEventStore());
    expect(await policies.limitsFor('t1')).toEqual({ maxLifetimeDays: 365, maxKeysPerUser: 20, requireDescription: false });
    expect(await policies.view('t1')).toMatchObject({ source: 'default', revision: -1n });
  });

  it('stores the policy as TenantKeyPolicySet in the tenant stream, with the actor in the metadata and nothing else', async () => {
    const store = new InMemoryEventStore();
    const result = await instance(store).set(admin, 't1', strict, { correlationId: 'c1' });
    expect(result).toEqual({ revision: 0n, changed: true });
    const [event] = await store.readStream(tenantStreamName('t1'));
    expect(event).toMatchObject({
      type: 'TenantKeyPolicySet',
      data: { tenantId: 't1', ...strict, setAt: '2026-12-03T10:00:00.000Z' },
      metadata: { schemaVersion: 1, tenantId: 't1', actor: { userId: 'root', via: 'jwt' }, correlationId: 'c1' },
    });
  });

  it('is exact on the instance that wrote, even while its entry is warm', async () => {
    const policies = instance(new InMemoryEventStore());
    await policies.look();
    await policies.limitsFor('t1'); // warm: the defaults
    await policies.set(admin, 't1', strict, { correlationId: 'c' });
    expect(await policies.limitsFor('t1')).toEqual({ maxLifetimeDays: 30, maxKeysPerUser: 5, requireDescription: true });
  });

  it('serves a warm tenant from memory, with no read of the store', async () => {
    const store = new InMemoryEventStore();
    const policies = instance(store);
    await policies.look();
    await policies.limitsFor('t1');
    const reads = vi.spyOn(store, 'readStream');
    await policies.limitsFor('t1');
    expect(reads).not.toHaveBeenCalled();
  });

  it("another instance's warm entry is forgotten by its next look at the tenant streams", async () => {
    const store = new InMemoryEventStore();
    const [writer, reader] = [instance(store), instance(store)];
    await reader.look();
    expect((await reader.limitsFor('t1')).maxLifetimeDays).toBe(365);
    await writer.set(admin, 't1', strict, { correlationId: 'c' });
    expect((await reader.limitsFor('t1')).maxLifetimeDays).toBe(365); // still the warm entry
    await reader.look();
    expect((await reader.limitsFor('t1')).maxLifetimeDays).toBe(30);
  });

  it('keeps nothing before its first look (a later write elsewhere could not be noticed)', async () => {
    const store = new InMemoryEventStore();
    const [writer, reader] = [instance(store), instance(store)];
    reader.onModuleDestroy(); // no loop runs
    await reader.limitsFor('t1');
    await writer.set(admin, 't1', strict, { correlationId: 'c' });
    expect((await reader.limitsFor('t1')).maxLifetimeDays).toBe(30);
  });

  it('a failed look forgets everything and keeps nothing until a look succeeds', async () => {
    const store = new InMemoryEventStore();
    const [writer, reader] = [instance(store), instance(store)];
    await reader.look();
    await reader.limitsFor('t1');
    vi.spyOn(store, 'readAll').mockRejectedValueOnce(new Error('store down'));
    await reader.look();
    await writer.set(admin, 't1', strict, { correlationId: 'c' });
    expect((await reader.limitsFor('t1')).maxLifetimeDays).toBe(30);
  });

  it('a stale If-Match is a precondition failure, and a resend of the same policy changes nothing', async () => {
    const policies = instance(new InMemoryEventStore());
    await policies.set(admin, 't1', strict, { correlationId: 'c' });
    await expect(policies.set(admin, 't1', { ...strict, maxKeysPerUser: 6 }, { correlationId: 'c', expectedRevision: -1n })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect(await policies.set(admin, 't1', strict, { correlationId: 'c', expectedRevision: 0n })).toEqual({ revision: 0n, changed: false });
  });
});
