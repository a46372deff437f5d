import { randomUUID } from 'node:crypto';
import { binaryEvent, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble } from '../../../../../test/doubles/esdb-protocol-double/esdb-protocol-double.js';
import {
  runsAgainstRealServer,
  startEsdbTestServer,
  type EsdbTestServer,
} from '../../../../../test/doubles/esdb-protocol-double/esdb-test-server.js';
import { ConcurrencyError, EventStoreUnavailableError } from '../../event-store.errors.js';
import type { EventToAppend, GlobalPosition, SubscriptionMessage } from '../../event-store.port.js';
import { comparePositions } from '../../global-position.js';
import { EsdbEventStore } from './esdb.event-store.js';

const event = (i: number): EventToAppend => ({ id: randomUUID(), type: 'KeyEdited', data: { i }, metadata: {} });
const events = (from: number, count: number) => Array.from({ length: count }, (_, k) => event(from + k));
const prefix = () => `apikey-esdb-${randomUUID().slice(0, 8)}`;

describe('EsdbEventStore (EventStoreDB specifics)', () => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;

  beforeAll(async () => {
    server = await startEsdbTestServer('esdb adapter specifics');
    store = new EsdbEventStore(server.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await server.close();
  });

  it('forwards the server checkpoints of a catch-up over events the filter does not match', async () => {
    const before = await store.appendToStream(`other-${randomUUID()}`, [event(0)], 'no_stream');
    await store.appendToStream(`other-${randomUUID()}`, events(1, 70), 'no_stream');
    const head = await store.headPosition();
    const { messages } = await collect(store, { after: before.position, prefixes: [`nothing-${randomUUID()}`] }, (m) => m.kind === 'caught-up');
    const checkpoints = positionsOf(messages);
    // 70 events scanned in windows of 32: two from the server, then the head when caught up.
    expect(checkpoints.length).toBeGreaterThanOrEqual(3);
    expectIncreasing(checkpoints);
    expect(checkpoints.at(-1)).toEqual(head);
  });

  it('forwards the server checkpoints of a live filtered subscription', async () => {
    const quiet = `nothing-${randomUUID()}`;
    let caughtUpAt: GlobalPosition | undefined;
    const live = collect(store, { prefixes: [quiet] }, (m, seen) => {
      if (m.kind === 'caught-up') caughtUpAt = positionsOf(seen).at(-1) ?? { commit: 0n, prepare: 0n };
      return m.kind === 'checkpoint' && caughtUpAt !== undefined && comparePositions(m.position, caughtUpAt) > 0;
    });
    await waitFor(() => caughtUpAt !== undefined);
    await store.appendToStream(`other-${randomUUID()}`, events(0, 40), 'no_stream');
    const { messages } = await live;
    expect(messages.some((m) => m.kind === 'event')).toBe(false);
  });

  it('skips system streams and non-JSON events in readAll and subscriptions', async () => {
    const mine = prefix();
    const start = await store.headPosition();
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    await raw.appendToStream(`${mine}-binary`, binaryEvent({ type: 'Blob', data: Uint8Array.from([1, 2, 3]) }));
    await raw.appendToStream(`$${mine}-system`, jsonEvent({ type: 'SystemThing', data: {} }));
    await raw.dispose();
    const written = await store.appendToStream(`${mine}-json`, [event(1)], 'no_stream');
    const page = await store.readAll({ after: start, maxCount: 100, filter: { streamNamePrefixes: [mine, `$${mine}`] } });
    expect(page.events.map((e) => e.streamName)).toEqual([`${mine}-json`]);
    const { messages } = await collect(store, { after: start, prefixes: [mine, `$${mine}`] }, (m) => m.kind === 'caught-up');
    expect(messages.flatMap((m) => (m.kind === 'event' ? [m.event.streamName] : []))).toEqual([`${mine}-json`]);
    expect(page.scannedTo && comparePositions(page.scannedTo, written.position)).toBeGreaterThanOrEqual(0);
  });

  it('keeps events and checkpoints in order through a long catch-up read by a slow consumer', async () => {
    const mine = prefix();
    const start = await store.headPosition();
    for (let batch = 0; batch < 10; batch++) {
      await store.appendToStream(`${mine}-${batch}`, events(batch * 300, 300), 'no_stream');
      await store.appendToStream(`other-${randomUUID()}`, events(0, 100), 'no_stream');
    }
    const { messages } = await collect(store, { after: start, prefixes: [mine] }, async (m) => {
      await new Promise((resolve) => setImmediate(resolve));
      return m.kind === 'caught-up';
    });
    const received = messages.flatMap((m) => (m.kind === 'event' ? [m.event.data.i] : []));
    // A checkpoint overtaking a buffered event would move the resume point past it: it would be lost.
    expect(received).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(messages.filter((m) => m.kind === 'checkpoint').length).toBeGreaterThanOrEqual(10);
  });

  it('reports itself healthy while the server answers', async () => {
    expect(await store.isHealthy()).toBe(true);
  });
});

describe.skipIf(runsAgainstRealServer())('EsdbEventStore against the protocol double only', () => {
  it.each([true, false])('maps a wrong expected version to ConcurrencyError (BatchAppend listed: %s)', async (batchAppend) => {
    const double = await EsdbProtocolDouble.start({ batchAppend });
    const store = new EsdbEventStore(double.connectionString);
    try {
      const stream = `${prefix()}-k`;
      await store.appendToStream(stream, [event(0)], 'no_stream');
      await expect(store.appendToStream(stream, [event(1)], 'no_stream')).rejects.toMatchObject(
        new ConcurrencyError(stream, 'no_stream', '0'),
      );
      await expect(store.appendToStream(stream, [event(1)], 5n)).rejects.toMatchObject(new ConcurrencyError(stream, '5', '0'));
      const retried = [event(1), event(2)];
      const first = await store.appendToStream(stream, retried, 0n);
      expect(await store.appendToStream(stream, retried, 0n)).toEqual(first);
    } finally {
      await store.close();
      await double.close();
    }
  });

  it('resumes a subscription after the server goes away, losing, repeating and reordering nothing', async () => {
    const double = await EsdbProtocolDouble.start();
    const subscriber = new EsdbEventStore(double.connectionString, { reconnect: { initialDelayMs: 50, maxDelayMs: 400 } });
    const writer = new EsdbEventStore(double.connectionString);
    const mine = prefix();
    try {
      let caughtUp = false;
      let delivered = 0;
      const subscribed = collect(subscriber, { prefixes: [mine] }, (m, seen) => {
        caughtUp ||= m.kind === 'caught-up';
        delivered = seen.filter((s) => s.kind === 'event').length;
        return delivered === 9;
      });
      await writer.appendToStream(`${mine}-a`, [event(0)], 'no_stream');
      await waitFor(() => caughtUp);
      await writer.appendToStream(`${mine}-b`, events(1, 2), 'no_stream');
      await waitFor(() => delivered === 3);

      await double.stop();
      await expect(writer.appendToStream(`${mine}-a`, [event(99)], 0n)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(await writer.isHealthy()).toBe(false);
      await double.restart();
      // Written before the subscriber is back: its resubscription must catch these up first.
      await writer.appendToStream(`${mine}-a`, events(3, 2), 0n);
      await writer.appendToStream(`${mine}-c`, [event(5)], 'no_stream');
      await new Promise((resolve) => setTimeout(resolve, 600));
      await writer.appendToStream(`${mine}-b`, events(6, 3), 1n);

      const { messages } = await subscribed;
      const received = messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
      expect(received.map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expectIncreasing(received.map((e) => e.position));
      expectIncreasing(messages.flatMap((m) => (m.kind === 'event' ? [m.event.position] : m.kind === 'checkpoint' ? [m.position] : [])));
      expect(messages.filter((m) => m.kind === 'caught-up')).toHaveLength(1);
      expect(double.subscriptionsAccepted).toBeGreaterThanOrEqual(2);
    } finally {
      await subscriber.close();
      await writer.close();
      await double.close();
    }
  });

  it('takes the head from the newest event outside the $ system streams', async () => {
    const double = await EsdbProtocolDouble.start();
    const store = new EsdbEventStore(double.connectionString);
    const raw = EventStoreDBClient.connectionString(double.connectionString);
    try {
      const written = await store.appendToStream(`${prefix()}-k`, [event(0)], 'no_stream');
      await raw.appendToStream('$stats-127.0.0.1:2113', jsonEvent({ type: '$statsCollected', data: {} }));
      expect(await store.headPosition()).toEqual(written.position);
    } finally {
      await raw.dispose();
      await store.close();
      await double.close();
    }
  });
});

interface Collected {
  messages: SubscriptionMessage[];
}

/** Subscribes until `done` says so (or 20 s pass, which fails the test). */
async function collect(
  store: EsdbEventStore,
  { after, prefixes }: { after?: GlobalPosition; prefixes: string[] },
  done: (message: SubscriptionMessage, seen: SubscriptionMessage[]) => boolean | Promise<boolean>,
): Promise<Collected> {
  const controller = new AbortController();
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, 20_000);
  const messages: SubscriptionMessage[] = [];
  try {
    for await (const message of store.subscribeToAll({ after, filter: { streamNamePrefixes: prefixes }, signal: controller.signal })) {
      messages.push(message);
      if (await done(message, messages)) controller.abort();
    }
  } finally {
    clearTimeout(timeout);
  }
  if (timedOut) throw new Error(`subscription timed out after ${JSON.stringify(messages.map((m) => m.kind))}`);
  return { messages };
}

const positionsOf = (messages: SubscriptionMessage[]): GlobalPosition[] =>
  messages.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));

function expectIncreasing(positions: readonly GlobalPosition[]): void {
  for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBe(-1);
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
