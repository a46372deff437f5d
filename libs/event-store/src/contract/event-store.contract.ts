import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../event-store.errors.js';
import type { EventStore, EventToAppend, RecordedEvent, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions } from '../global-position.js';

export interface EventStoreUnderTest {
  store: EventStore;
  teardown(): Promise<void>;
}

/**
 * What every event store adapter must do, run against each of them. Stream names carry a random
 * run id, so the suite also runs against a shared, non-empty server.
 */
export function describeEventStoreContract(name: string, makeStore: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    const prefix = `apikey-${run}`;
    const streamName = () => `${prefix}-${randomUUID()}`;
    const event = (type = 'KeyEdited', data: Record<string, unknown> = {}): EventToAppend => ({
      id: randomUUID(),
      type,
      data: { n: 1, ...data },
      metadata: { tenantId: 't1' },
    });

    beforeAll(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterAll(async () => subject.teardown());

    it('creates a stream with no_stream and reads it back in revision order from 0', async () => {
      const stream = streamName();
      const result = await store.appendToStream(stream, [event('KeyCreated'), event()], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1n);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.type, e.revision])).toEqual([
        ['KeyCreated', 0n],
        ['KeyEdited', 1n],
      ]);
      expect(read[0]!.data).toEqual({ n: 1 });
      expect(read[0]!.metadata).toEqual({ tenantId: 't1' });
      expect(read[0]!.streamName).toBe(stream);
    });

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream(streamName())).toEqual([]);
    });

    it('reads a stream from a revision on: only the events at it and after', async () => {
      const stream = streamName();
      await store.appendToStream(stream, [event('KeyCreated'), event(), event()], 'no_stream');
      expect((await store.readStream(stream, { fromRevision: 1n })).map((e) => e.revision)).toEqual([1n, 2n]);
      expect((await store.readStream(stream, { fromRevision: 0n })).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(await store.readStream(stream, { fromRevision: 3n })).toEqual([]);
      expect((await store.readStream(stream, { fromRevision: -1n })).map((e) => e.revision), 'before the first: all of it').toEqual([0n, 1n, 2n]);
      expect(await store.readStream(streamName(), { fromRevision: 1n })).toEqual([]);
    });

    it('appends after a long stream at its last revision, and answers a retry of an earlier append as written', async () => {
      const stream = streamName();
      const first = [event('KeyCreated'), event()];
      const written = await store.appendToStream(stream, first, 'no_stream');
      for (let revision = 1n; revision < 6n; revision++) await store.appendToStream(stream, [event()], revision);
      expect(await store.appendToStream(stream, first, 'no_stream')).toEqual(written);
      await expect(store.appendToStream(stream, [event()], 5n)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.appendToStream(stream, [event()], 6n)).nextExpectedRevision).toBe(7n);
    });

    it('appends at the exact expected revision', async () => {
      const stream = streamName();
      await store.appendToStream(stream, [event('KeyCreated')], 'no_stream');
      const result = await store.appendToStream(stream, [event()], 0n);
      expect(result.nextExpectedRevision).toBe(1n);
    });

    it('refuses an append at a stale revision with ConcurrencyError and writes nothing', async () => {
      const stream = streamName();
      await store.appendToStream(stream, [event('KeyCreated')], 'no_stream');
      await store.appendToStream(stream, [event()], 0n);
      await expect(store.appendToStream(stream, [event()], 0n)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.appendToStream(stream, [event('KeyCreated')], 'no_stream')).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('refuses an exact revision on a stream that does not exist', async () => {
      await expect(store.appendToStream(streamName(), [event()], 0n)).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('treats a retried append with the same event ids as already done', async () => {
      const stream = streamName();
      const created = [event('KeyCreated')];
      const first = await store.appendToStream(stream, created, 'no_stream');
      const retry = await store.appendToStream(stream, created, 'no_stream');
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('answers appends sent at once to different streams each with its own distinct position, all written', async () => {
      const streams = Array.from({ length: 12 }, () => streamName());
      const results = await Promise.all(streams.map((stream) => store.appendToStream(stream, [event('KeyCreated'), event()], 'no_stream')));
      expect(results.map((result) => result.nextExpectedRevision)).toEqual(Array(12).fill(1n));
      const positions = results.map((result) => `${result.position.commit}/${result.position.prepare}`);
      expect(new Set(positions).size).toBe(12);
      for (const [i, stream] of streams.entries()) {
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
        expect(comparePositions(read[1]!.position, results[i]!.position)).toBe(0);
      }
    });

    it('of appends sent at once at the same expected revision, lets exactly one win and writes nothing for the rest, without failing the others sent with them', async () => {
      const contested = streamName();
      await store.appendToStream(contested, [event('KeyCreated')], 'no_stream');
      const bystander = streamName();
      const attempts = [
        ...Array.from({ length: 6 }, (_, i) => store.appendToStream(contested, [event('KeyEdited', { attempt: i })], 0n)),
        store.appendToStream(bystander, [event('KeyCreated')], 'no_stream'),
      ];
      const settled = await Promise.allSettled(attempts);
      const contestedOutcomes = settled.slice(0, 6);
      expect(contestedOutcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of contestedOutcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
      expect(settled[6]!.status).toBe('fulfilled');
      const read = await store.readStream(contested);
      expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
      expect(await store.readStream(bystander)).toHaveLength(1);
    });

    it('reads the global log in commit order, resuming strictly after a position, filtered by prefix', async () => {
      const [a, b] = [streamName(), streamName()];
      const other = `other-${run}-${randomUUID()}`;
      await store.appendToStream(a, [event('KeyCreated', { step: 1 })], 'no_stream');
      await store.appendToStream(other, [event('Unrelated', { step: 0 })], 'no_stream');
      await store.appendToStream(b, [event('KeyCreated', { step: 2 })], 'no_stream');
      await store.appendToStream(a, [event('KeyRevoked', { step: 3 })], 0n);

      const mine = await readEverything(store, prefix);
      const steps = mine.filter((e) => e.streamName === a || e.streamName === b).map((e) => e.data.step);
      expect(steps).toEqual([1, 2, 3]);
      expect(mine.some((e) => e.streamName === other)).toBe(false);
      for (let i = 1; i < mine.length; i++) expect(comparePositions(mine[i - 1]!.position, mine[i]!.position)).toBe(-1);

      const firstOfA = mine.find((e) => e.streamName === a)!;
      const rest = await store.readAll({ after: firstOfA.position, maxCount: 1000, filter: { streamNamePrefixes: [prefix] } });
      expect(rest.events[0]!.id).not.toBe(firstOfA.id);
      expect(rest.events.map((e) => e.data.step).filter((s) => s !== undefined)).toEqual(
        mine.slice(mine.indexOf(firstOfA) + 1).map((e) => e.data.step),
      );
      expect(rest.isEnd).toBe(true);
    });

    it('pages readAll by maxCount without skipping or repeating', async () => {
      const stream = streamName();
      await store.appendToStream(stream, [1, 2, 3, 4, 5].map((i) => event('KeyEdited', { i })), 'any');
      const seen: unknown[] = [];
      let after: RecordedEvent['position'] | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 2, filter: { streamNamePrefixes: [stream] } });
        seen.push(...page.events.map((e) => e.data.i));
        if (page.isEnd) break;
        after = page.events.at(-1)!.position;
      }
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    });

    it('keeps a deleted key stream readable and its history intact', async () => {
      const stream = streamName();
      await store.appendToStream(stream, [event('KeyCreated')], 'no_stream');
      await store.appendToStream(stream, [event('KeyDeleted')], 0n);
      const read = await store.readStream(stream);
      expect(read.map((e) => e.type)).toEqual(['KeyCreated', 'KeyDeleted']);
    });

    it('subscribes: catch-up events, then caught-up, then live events, in order', async () => {
      const subPrefix = `${prefix}-sub-${randomUUID().slice(0, 8)}`;
      const stream = `${subPrefix}-k`;
      await store.appendToStream(stream, [event('KeyCreated', { i: 0 })], 'no_stream');
      const controller = new AbortController();
      const received: SubscriptionMessage[] = [];
      const iterator = store.subscribeToAll({ filter: { streamNamePrefixes: [subPrefix] }, signal: controller.signal });
      const consumed = (async () => {
        for await (const message of iterator) {
          received.push(message);
          if (message.kind === 'event' && message.event.data.i === 2) controller.abort();
        }
      })();
      await waitFor(() => received.some((m) => m.kind === 'caught-up'));
      await store.appendToStream(stream, [event('KeyEdited', { i: 1 }), event('KeyEdited', { i: 2 })], 0n);
      await consumed;
      const kinds = received.filter((m) => m.kind !== 'checkpoint').map((m) => (m.kind === 'event' ? m.event.data.i : m.kind));
      expect(kinds).toEqual([0, 'caught-up', 1, 2]);
    });

    it('subscribes from a position, exclusively', async () => {
      const subPrefix = `${prefix}-from-${randomUUID().slice(0, 8)}`;
      const stream = `${subPrefix}-k`;
      await store.appendToStream(stream, [0, 1, 2].map((i) => event('KeyEdited', { i })), 'no_stream');
      const [first] = await store.readStream(stream);
      const controller = new AbortController();
      const seen: unknown[] = [];
      for await (const message of store.subscribeToAll({
        after: first!.position,
        filter: { streamNamePrefixes: [subPrefix] },
        signal: controller.signal,
      })) {
        if (message.kind === 'event') seen.push(message.event.data.i);
        if (message.kind === 'caught-up') controller.abort();
      }
      expect(seen).toEqual([1, 2]);
    });

    it('sends checkpoints that pass events the filter does not match', async () => {
      const quiet = `nothing-matches-${randomUUID()}`;
      await store.appendToStream(`other-${run}-${randomUUID()}`, [event('Unrelated')], 'no_stream');
      const head = await store.headPosition();
      const controller = new AbortController();
      let checkpoint: SubscriptionMessage | undefined;
      const timeout = setTimeout(() => controller.abort(), 20_000);
      for await (const message of store.subscribeToAll({ filter: { streamNamePrefixes: [quiet] }, signal: controller.signal })) {
        if (message.kind === 'event') throw new Error('the filter should match nothing');
        if (message.kind === 'checkpoint' && comparePositions(message.position, head!) >= 0) {
          checkpoint = message;
          controller.abort();
        }
      }
      clearTimeout(timeout);
      expect(checkpoint).toBeDefined();
    });
  });
}

async function readEverything(store: EventStore, prefix: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500, filter: { streamNamePrefixes: [prefix] } });
    events.push(...page.events);
    if (page.isEnd) return events;
    after = page.events.at(-1)!.position;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
