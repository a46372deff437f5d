import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GlobalPosition, InMemoryEventStore } from '@keystream/event-store';
import type { CaughtUpWaiter } from '@keystream/processing';
import { apiKeyStreamName } from '../domain/index.js';
import type { KeyVerificationRow } from '../views/key-verification/key-verification.row.js';
import type { ListedKey } from '../views/key-listing/key-listing.queries.js';
import { KeyVerificationCache, LISTED_KEY_TTL_MS, MAX_LISTED_BYTES } from './key-verification.cache.js';

const rowOf = (keyId: string, revision = 0): KeyVerificationRow => ({
  keyId, tenantId: 't1', ownerId: 'alice', scope: 'user', secretHash: 'h', previousSecretHash: '', previousValidUntil: '', expiresAt: '2027-01-01T00:00:00.000Z', isActive: true, deleted: false, revision,
});

describe('KeyVerificationCache', () => {
  let eventStore: InMemoryEventStore;
  /** What the views show: the rows, and how far they have got. */
  let view: Map<string, KeyVerificationRow>;
  let shown: GlobalPosition | undefined;
  let checkpointsFail: boolean;
  let cache: KeyVerificationCache;

  const change = async (keyId: string): Promise<GlobalPosition> => {
    const { position } = await eventStore.appendToStream(apiKeyStreamName(keyId), [{ id: randomUUID(), type: 'KeyRevoked', data: {}, metadata: {} }], 'any');
    return position;
  };

  beforeEach(async () => {
    // The loop's timer never fires here: each look is run by hand.
    vi.useFakeTimers();
    eventStore = new InMemoryEventStore();
    view = new Map([['a', rowOf('a')], ['b', rowOf('b')]]);
    shown = await change('genesis');
    checkpointsFail = false;
    const lookup = { findVerification: async (keyId: string) => view.get(keyId) };
    const waiter = { lowestCheckpoint: async () => { if (checkpointsFail) throw new Error('read model down'); return shown; } } as unknown as CaughtUpWaiter;
    cache = new KeyVerificationCache(lookup, eventStore, waiter);
  });
  afterEach(() => {
    cache.onModuleDestroy();
    vi.useRealTimers();
  });

  it('keeps nothing until its first look, then answers used keys from memory', async () => {
    expect(await cache.load('a')).toEqual(rowOf('a'));
    expect(cache.peek('a')).toBeUndefined();
    await cache.look();
    await cache.load('a');
    expect(cache.peek('a')).toEqual(rowOf('a'));
    expect(await cache.load('unknown')).toBeUndefined();
    expect(cache.peek('unknown')).toBeUndefined();
  });

  it('forgets the keys of events the views show, and only once they show them', async () => {
    await cache.look();
    await cache.load('a');
    await cache.load('b');
    const position = await change('a');
    await cache.look();
    expect(cache.peek('a'), 'the views do not show the change yet').toBeDefined();
    shown = position;
    view.set('a', rowOf('a', 1));
    await cache.look();
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')).toEqual(rowOf('b'));
    expect(await cache.load('a')).toEqual(rowOf('a', 1));
  });

  it('keeps nothing from a read that a forget overlapped (it may predate the change)', async () => {
    await cache.look();
    const loading = cache.load('a');
    cache.forget('b');
    await loading;
    expect(cache.peek('a')).toBeUndefined();
  });

  it('forgets everything and keeps nothing while it cannot look, until a look works again', async () => {
    await cache.look();
    await cache.load('a');
    checkpointsFail = true;
    await cache.look();
    expect(cache.peek('a')).toBeUndefined();
    await cache.load('a');
    expect(cache.peek('a')).toBeUndefined();
    checkpointsFail = false;
    await cache.look();
    await cache.load('a');
    expect(cache.peek('a')).toBeDefined();
  });

  it('forgets everything when more key events arrived than it reads in one look', async () => {
    await cache.look();
    await cache.load('a');
    let last: GlobalPosition | undefined;
    for (let i = 0; i < 5_001; i++) last = await change(`k${i}`);
    shown = last;
    await cache.look();
    expect(cache.peek('a')).toBeUndefined();
  });

  describe('listed keys (GET /v1/apiKeys/{uid})', () => {
    const listedOf = (keyId: string, name = 'n') => ({ keyId, tenantId: 't1', name }) as unknown as ListedKey;
    let reads = 0;
    const read = (listed: ListedKey | undefined) => async () => (reads++, listed);

    it('keeps a read key for its own tenant only, forgotten with its verification row and after LISTED_KEY_TTL_MS', async () => {
      await cache.look();
      await cache.loadListed('a', read(listedOf('a')));
      expect(cache.peekListed('t1', 'a')).toEqual(listedOf('a'));
      expect(cache.peekListed('t2', 'a'), 'another tenant').toBeUndefined();
      cache.forget('a'); // what the command runner does before it answers
      expect(cache.peekListed('t1', 'a')).toBeUndefined();
      await cache.loadListed('b', read(listedOf('b')));
      vi.advanceTimersByTime(LISTED_KEY_TTL_MS + 1);
      expect(cache.peekListed('t1', 'b'), 'its last use may have moved').toBeUndefined();
    });

    it('forgets a key whose events the views show, and keeps nothing from a read a forget overlapped or before the first look', async () => {
      await cache.loadListed('a', read(listedOf('a')));
      expect(cache.peekListed('t1', 'a'), 'before the first look').toBeUndefined();
      await cache.look();
      await cache.loadListed('a', read(listedOf('a')));
      shown = await change('a');
      await cache.look();
      expect(cache.peekListed('t1', 'a')).toBeUndefined();
      const loading = cache.loadListed('a', read(listedOf('a', 'old')));
      cache.forget('b');
      await loading;
      expect(cache.peekListed('t1', 'a')).toBeUndefined();
      expect(await cache.loadListed('gone', read(undefined))).toBeUndefined();
      expect(cache.peekListed('t1', 'gone')).toBeUndefined();
    });

    it('is bounded by size: keys with large metadata push out the least recently used, never past MAX_LISTED_BYTES', async () => {
      await cache.look();
      // ~128 KB each (64 annotations of 1,000 characters, the limits' worst case): far fewer fit than the count bound.
      const heavy = (keyId: string) =>
        ({ ...listedOf(keyId), annotations: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`a${i}`, 'x'.repeat(1000)])) }) as unknown as ListedKey;
      const count = Math.ceil(MAX_LISTED_BYTES / (64 * 2000)) + 10;
      for (let i = 0; i < count; i++) await cache.loadListed(`k${i}`, read(heavy(`k${i}`)));
      expect(cache.peekListed('t1', 'k0'), 'the oldest was pushed out').toBeUndefined();
      expect(cache.peekListed('t1', `k${count - 1}`), 'the newest is kept').toBeDefined();
    });
  });
});
