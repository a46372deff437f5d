/**
 * What the adapter does with each failure a real EventStoreDB sends, injected into the protocol
 * double (test/doubles/esdb-protocol-double/esdb-faults.ts) and seen through the real client. Each
 * case checks the outcome the README's EventStoreDB section promises, down to the HTTP answer
 * (`toProblem`): retried when idempotent, 503 for an outage, a 4xx for the caller's mistake, and
 * nothing written twice or lost.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { toProblem } from '@keystream/problem-details';
import { afterEach, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble, type EsdbProtocolDoubleOptions } from '../../../../../test/doubles/esdb-protocol-double/esdb-protocol-double.js';
import { EventStoreUnavailableError } from '../../event-store.errors.js';
import type { EventToAppend, SubscriptionMessage } from '../../event-store.port.js';
import { comparePositions } from '../../global-position.js';
import { EventAppendTooLargeError, EventStreamDeletedError } from './esdb.errors.js';
import { EsdbEventStore, type EsdbEventStoreOptions } from './esdb.event-store.js';

const event = (i: number, data: Record<string, unknown> = {}): EventToAppend => ({ id: randomUUID(), type: 'KeyEdited', data: { i, ...data }, metadata: {} });
const stream = () => `apikey-faults-${randomUUID().slice(0, 8)}`;
const quickRetry: EsdbEventStoreOptions = { retry: { initialDelayMs: 10, maxDelayMs: 50 }, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } };

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function setUp(options: EsdbProtocolDoubleOptions = {}, storeOptions: EsdbEventStoreOptions = quickRetry, query = '') {
  const double = await EsdbProtocolDouble.start(options);
  opened.push(double);
  const store = new EsdbEventStore(double.connectionString + query, storeOptions);
  opened.push(store);
  return { double, store };
}

/** The test fails if the promise has not settled by then: a failure must never hang. */
const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms))]);

const rejection = (promise: Promise<unknown>) => within(10_000, promise.then(() => undefined, (error: unknown) => error));

// Fault injection exists only in the double; a real server cannot be told to fail on cue.
describe.each([true, false])('EsdbEventStore facing server faults (BatchAppend listed: %s)', (batchAppend) => {
  it('retries an append the node answers UNAVAILABLE, and writes it once', async () => {
    const { double, store } = await setUp({ batchAppend });
    const name = stream();
    double.faults.next('append', { kind: 'unavailable' }, 2);
    const written = await store.appendToStream(name, [event(0)], 'no_stream');
    expect(written.nextExpectedRevision).toBe(0n);
    expect(double.log.stream(name)).toHaveLength(1);
  });

  it('answers 503 once the retries are used up, in bounded time', async () => {
    const { double, store } = await setUp({ batchAppend });
    double.faults.always('append', { kind: 'unavailable' });
    const error = await rejection(store.appendToStream(stream(), [event(0)], 'no_stream'));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(toProblem(error).status).toBe(503);
    expect(toProblem(error).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('retries an append whose answer came after the deadline; the retry finds the write and nothing is doubled', async () => {
    const { double, store } = await setUp({ batchAppend }, quickRetry, '&defaultDeadline=300');
    const name = stream();
    const events = [event(0), event(1)];
    double.faults.next('append', { kind: 'delay', ms: 700 });
    const written = await store.appendToStream(name, events, 'no_stream');
    expect(written.nextExpectedRevision).toBe(1n);
    // Let the late first attempt land too (on Append the client gave up before the server answered).
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(double.log.stream(name)?.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(written.position.commit).toBe(double.log.stream(name)![1]!.position);
  });

  it('refuses an append larger than the maximum append size with 413, writing nothing and not retrying', async () => {
    const { double, store } = await setUp({ batchAppend });
    const name = stream();
    const big = 'x'.repeat(300_000);
    const error = await rejection(store.appendToStream(name, [0, 1, 2, 3].map((i) => event(i, { big })), 'no_stream'));
    expect(error).toBeInstanceOf(EventAppendTooLargeError);
    expect((error as EventAppendTooLargeError).maxAppendSize).toBe(1_048_576);
    expect(toProblem(error)).toMatchObject({ status: 413, body: { code: 'PayloadTooLarge' } });
    expect(toProblem(error).body.detail).not.toContain(name);
    expect(double.log.stream(name)).toBeUndefined();
    // Just under the limit is written.
    await store.appendToStream(name, [0, 1, 2].map((i) => event(i, { big })), 'no_stream');
    expect(double.log.stream(name)).toHaveLength(3);
  });

  it('answers AccessDenied with a logged outage (503) that names the fix, without retrying', async () => {
    const { double, store } = await setUp({ batchAppend });
    const name = stream();
    double.faults.next('append', { kind: 'access-denied' });
    const error = await rejection(store.appendToStream(name, [event(0)], 'no_stream'));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/ESDB_CONNECTION_STRING/);
    expect(toProblem(error)).toMatchObject({ status: 503, unexpected: true });
    expect(toProblem(error).body.detail).not.toMatch(/ESDB|denied/i);
    // One attempt only: the fault was queued once, and a retry would have written the event.
    expect(double.log.stream(name)).toBeUndefined();
  });

  it('reads a deleted stream as absent, and refuses a write to it with 404 without retrying', async () => {
    const { double, store } = await setUp({ batchAppend });
    const name = stream();
    await store.appendToStream(name, [event(0)], 'no_stream');
    double.faults.next('read', { kind: 'stream-deleted' });
    expect(await store.readStream(name)).toEqual([]);
    double.faults.next('append', { kind: 'stream-deleted' });
    const error = await rejection(store.appendToStream(name, [event(1)], 0n));
    expect(error).toBeInstanceOf(EventStreamDeletedError);
    expect(toProblem(error)).toMatchObject({ status: 404, body: { code: 'ResourceNotFound' } });
    expect(double.log.stream(name)).toHaveLength(1);
  });

  it('treats a stream tombstoned outside Keystream the same way: absent to read, 404 to write', async () => {
    const { double, store } = await setUp({ batchAppend });
    const name = stream();
    await store.appendToStream(name, [event(0)], 'no_stream');
    const raw = EventStoreDBClient.connectionString(double.connectionString);
    await raw.tombstoneStream(name);
    await raw.dispose();
    expect(await store.readStream(name)).toEqual([]);
    const error = await rejection(store.appendToStream(name, [event(1)], 'no_stream'));
    expect(toProblem(error)).toMatchObject({ status: 404, body: { code: 'ResourceNotFound' } });
  });

  it('follows a not-leader answer to the hinted leader and writes there once', async () => {
    const leader = await EsdbProtocolDouble.start({ batchAppend });
    opened.push(leader);
    const { double: follower, store } = await setUp({ batchAppend });
    follower.faults.always('append', { kind: 'not-leader', host: '127.0.0.1', port: leader.port });
    const name = stream();
    const written = await store.appendToStream(name, [event(0)], 'no_stream');
    expect(written.nextExpectedRevision).toBe(0n);
    expect(leader.log.stream(name)).toHaveLength(1);
    expect(follower.log.stream(name)).toBeUndefined();
    // Later calls go to the leader directly.
    await store.appendToStream(name, [event(1)], 0n);
    expect(leader.log.stream(name)).toHaveLength(2);
  });
});

describe('EsdbEventStore subscriptions facing server faults', () => {
  it('resubscribes after the server drops a live subscription mid-stream, from its last position, losing and doubling nothing', async () => {
    const { double, store } = await setUp();
    const mine = stream();
    const writer = new EsdbEventStore(double.connectionString);
    opened.push(writer);
    const controller = new AbortController();
    const seen: SubscriptionMessage[] = [];
    const received = () => seen.flatMap((m) => (m.kind === 'event' ? [m.event.data['i']] : []));
    const done = (async () => {
      for await (const message of store.subscribeToAll({ filter: { streamNamePrefixes: [mine] }, signal: controller.signal })) {
        seen.push(message);
        if (received().length === 30) controller.abort();
      }
    })();
    await writer.appendToStream(`${mine}-a`, Array.from({ length: 10 }, (_, i) => event(i)), 'no_stream');
    await waitFor(() => received().length === 10);
    double.dropSubscriptions();
    await writer.appendToStream(`${mine}-a`, Array.from({ length: 10 }, (_, i) => event(10 + i)), 9n);
    await waitFor(() => double.subscriptionsAccepted >= 2);
    double.dropSubscriptions(14, 'Server is shutting down');
    await writer.appendToStream(`${mine}-b`, Array.from({ length: 10 }, (_, i) => event(20 + i)), 'no_stream');
    await within(10_000, done);
    expect(received()).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const positions = seen.flatMap((m) => (m.kind === 'event' ? [m.event.position] : m.kind === 'checkpoint' ? [m.position] : []));
    for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBe(-1);
    expect(double.subscriptionsAccepted).toBeGreaterThanOrEqual(3);
  });

  it('resumes a catch-up the server drops mid-stream from the last event handed out, losing and doubling nothing', async () => {
    const { double, store } = await setUp();
    const mine = stream();
    const before = await store.headPosition();
    for (let batch = 0; batch < 4; batch++) {
      await store.appendToStream(`${mine}-${batch}`, Array.from({ length: 250 }, (_, i) => event(batch * 250 + i)), 'no_stream');
      await store.appendToStream(`other-${randomUUID()}`, Array.from({ length: 50 }, (_, i) => event(i)), 'no_stream');
    }
    const accepted = double.subscriptionsAccepted;
    double.faults.next('subscribe', { kind: 'drop-after', events: 300 });
    double.faults.next('subscribe', { kind: 'drop-after', events: 420 });
    const controller = new AbortController();
    const received: unknown[] = [];
    await within(
      15_000,
      (async () => {
        for await (const message of store.subscribeToAll({ after: before, filter: { streamNamePrefixes: [mine] }, signal: controller.signal })) {
          if (message.kind === 'event') received.push(message.event.data['i']);
          if (message.kind === 'caught-up') controller.abort();
        }
      })(),
    );
    expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(double.subscriptionsAccepted - accepted).toBe(3);
  });

  it('ends a subscription the server refuses (AccessDenied) with an outage error instead of retrying forever', async () => {
    const { double, store } = await setUp();
    double.faults.always('subscribe', { kind: 'access-denied' });
    const error = await rejection(
      (async () => {
        for await (const _ of store.subscribeToAll({ filter: { streamNamePrefixes: ['apikey-'] }, signal: new AbortController().signal })) {
          // nothing arrives
        }
      })(),
    );
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/ESDB_CONNECTION_STRING/);
  });

  it('retries a filtered readAll the node answers UNAVAILABLE', async () => {
    const { double, store } = await setUp();
    const mine = stream();
    await store.appendToStream(mine, [event(0), event(1)], 'no_stream');
    double.faults.next('subscribe', { kind: 'unavailable' });
    const page = await store.readAll({ maxCount: 10, filter: { streamNamePrefixes: [mine] } });
    expect(page.events.map((e) => e.data['i'])).toEqual([0, 1]);
    expect(page.isEnd).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
