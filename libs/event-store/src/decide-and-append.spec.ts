import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryEventStore } from './adapters/in-memory/in-memory.event-store.js';
import { StreamStateCache, type StreamFold, decideAndAppend } from './decide-and-append.js';
import type { EventToAppend, RecordedEvent } from './event-store.port.js';

/** A counter: each Added event adds its amount; events of other types are skipped. */
type Added = { amount: number };
const fold: StreamFold<number, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.amount,
  decode: (event: RecordedEvent) => (event.type === 'Added' ? (event.data as Added) : undefined),
};
const toAppend = (events: readonly Added[]): EventToAppend[] => events.map((data) => ({ id: randomUUID(), type: 'Added', data, metadata: {} }));
const add = (amount: number) => (total: number) => (total >= 100 ? [] : [{ amount }]);

const seeded = async (...amounts: number[]) => {
  const store = new InMemoryEventStore();
  const stream = `counter-${randomUUID()}`;
  if (amounts.length > 0) await store.appendToStream(stream, [...toAppend(amounts.map((amount) => ({ amount }))), { id: randomUUID(), type: 'Unknown', data: {}, metadata: {} }], 'no_stream');
  return { store, stream };
};

describe('decideAndAppend', () => {
  it('decides on the folded stream and appends at the revision it read', async () => {
    const { store, stream } = await seeded(1, 2);
    const seen: [number, bigint][] = [];
    const outcome = await decideAndAppend(store, fold, { streamName: stream, decide: (total, revision) => (seen.push([total, revision]), [{ amount: 3 }]), toAppend });
    expect(seen).toEqual([[3, 2n]]);
    expect(outcome).toMatchObject({ kind: 'appended', decidedAt: 2n, events: [{ amount: 3 }], appended: { nextExpectedRevision: 3n } });
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['Added', 'Added', 'Unknown', 'Added']);
  });

  it('answers unchanged, with the state and revision, when the decision records nothing', async () => {
    const { store, stream } = await seeded(100);
    expect(await decideAndAppend(store, fold, { streamName: stream, decide: add(1), toAppend })).toEqual({ kind: 'unchanged', state: 100, revision: 1n });
  });

  it('with a cache, reads only the events after the cached revision, and folds what another writer appended', async () => {
    const { store, stream } = await seeded(1, 2);
    const cache = new StreamStateCache<number>();
    const read = vi.spyOn(store, 'readStream');
    await decideAndAppend(store, fold, { streamName: stream, decide: add(10), toAppend, cache });
    await store.appendToStream(stream, toAppend([{ amount: 20 }]), 3n);
    const totals: number[] = [];
    await decideAndAppend(store, fold, { streamName: stream, decide: (total) => (totals.push(total), []), toAppend, cache });
    expect(read.mock.calls).toEqual([[stream, undefined], [stream, { fromRevision: 3n }]]);
    // 1 + 2 + 10 (its own append, read back, never taken from the decision) + 20 (another writer's).
    expect(totals).toEqual([33]);
    expect(cache.get(stream)).toEqual({ state: 33, revision: 4n });
  });

  it('re-reads and re-decides after losing a race, and gives up after maxAttempts', async () => {
    const { store, stream } = await seeded(1);
    const totals: number[] = [];
    const racing = async () => {
      const decisions: number[] = [];
      const outcome = await decideAndAppend(store, fold, {
        streamName: stream,
        maxAttempts: 3,
        decide: (total) => {
          decisions.push(total);
          // Another writer gets in between this read and the append, the first two times.
          if (decisions.length <= 2) void store.appendToStream(stream, toAppend([{ amount: 1 }]), 'any');
          return [{ amount: 5 }];
        },
        toAppend,
      });
      totals.push(...decisions);
      return outcome;
    };
    expect((await racing()).kind).toBe('appended');
    expect(totals).toEqual([1, 2, 3]);
    const always = await decideAndAppend(store, fold, {
      streamName: stream,
      maxAttempts: 2,
      decide: () => (void store.appendToStream(stream, toAppend([{ amount: 1 }]), 'any'), [{ amount: 5 }]),
      toAppend,
    });
    expect(always).toEqual({ kind: 'conflicted' });
  });

  it('with an expected revision: another revision is stale before any append, and a lost race is stale, not retried', async () => {
    const { store, stream } = await seeded(1);
    expect(await decideAndAppend(store, fold, { streamName: stream, decide: add(1), toAppend, expectedRevision: 0n })).toEqual({ kind: 'stale' });
    expect(await store.readStream(stream)).toHaveLength(2);
    let decisions = 0;
    const raced = await decideAndAppend(store, fold, {
      streamName: stream,
      expectedRevision: 1n,
      decide: () => (decisions++, void store.appendToStream(stream, toAppend([{ amount: 1 }]), 'any'), [{ amount: 5 }]),
      toAppend,
    });
    expect(raced).toEqual({ kind: 'stale' });
    expect(decisions).toBe(1);
  });
});

describe('StreamStateCache', () => {
  it('keeps the most recently used entries up to its bound', () => {
    const cache = new StreamStateCache<number>({ maxEntries: 2 });
    cache.set('a', { state: 1, revision: 0n });
    cache.set('b', { state: 2, revision: 0n });
    cache.get('a');
    cache.set('c', { state: 3, revision: 0n });
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([{ state: 1, revision: 0n }, undefined, { state: 3, revision: 0n }]);
  });

  it('is bounded by size too: large states push out the least recently used', () => {
    const cache = new StreamStateCache<{ text: string }>({ maxBytes: 100_000 });
    for (let i = 0; i < 10; i++) cache.set(`s${i}`, { state: { text: 'x'.repeat(20_000) }, revision: 0n });
    expect(cache.get('s0'), 'pushed out').toBeUndefined();
    expect(cache.get('s9')?.state.text.length).toBe(20_000);
  });
});
