/**
 * The EventStoreDB behaviours Keystream relies on, stated as tests through the real client, each with
 * the documentation it follows. `npm test` runs them against the protocol double; `npm run test:esdb`
 * with ESDB_CONNECTION_STRING set runs the very same file against a real server, so the two can be
 * compared wherever a server exists. Every run prints which one it used; nothing here is skipped.
 *
 * A change to the double that breaks one of these fails CI; a real server that fails one means the
 * double (and so the adapter's tests) is wrong there.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsdbTestServer, type EsdbTestServer } from '../../../../../test/doubles/esdb-protocol-double/esdb-test-server.js';

const DOCS = 'https://developers.eventstore.com/clients/grpc';
const json = (i = 0, data: Record<string, unknown> = {}) => jsonEvent({ id: randomUUID(), type: 'FidelityChecked', data: { i, ...data } });
const streamName = () => `fidelity-${randomUUID()}`;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('EventStoreDB behaviours Keystream relies on', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await startEsdbTestServer('esdb fidelity');
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it(`rejects an append at the wrong expected revision, saying the actual one (${DOCS}/appending-events.html#handling-concurrency)`, async () => {
    const name = streamName();
    await client.appendToStream(name, json(0), { expectedRevision: 'no_stream' });
    const error = await failure(client.appendToStream(name, json(1), { expectedRevision: 'no_stream' }));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ actualVersion: 0n });
    expect((await client.appendToStream(name, json(1), { expectedRevision: 0n })).nextExpectedRevision).toBe(1n);
  });

  it(`treats a resend of the same event ids at the same expected revision as done, writing nothing (${DOCS}/appending-events.html#duplicate-event-handling)`, async () => {
    const name = streamName();
    const events = [json(0), json(1)];
    const first = await client.appendToStream(name, events, { expectedRevision: 'no_stream' });
    const again = await client.appendToStream(name, events, { expectedRevision: 'no_stream' });
    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(again.position).toEqual(first.position);
    const read = [];
    for await (const resolved of client.readStream(name)) read.push(resolved.event!.id);
    expect(read).toEqual(events.map((e) => e.id));
  });

  it(`answers a read of a stream that does not exist with StreamNotFound (${DOCS}/reading-events.html#checking-if-the-stream-exists)`, async () => {
    const error = await failure((async () => {
      for await (const _ of client.readStream(streamName())) {
        // nothing
      }
    })());
    expect(error).toBeInstanceOf(StreamNotFoundError);
  });

  it(`orders $all by commit position and answers an append with its last event's position (${DOCS}/reading-events.html#reading-from-the-all-stream)`, async () => {
    const name = streamName();
    const written = await client.appendToStream(name, [json(0), json(1), json(2)], { expectedRevision: 'no_stream' });
    const newest: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 50 })) newest.push(resolved);
    const ours = newest.filter((e) => e.event?.streamId === name).reverse();
    expect(ours.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n]);
    expect(ours.at(-1)!.event!.position).toEqual(written.position);
    const positions = ours.map((e) => e.event!.position!.commit);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(3);
  });

  it(`starts a subscription to $all strictly after the given position, filters by stream prefix on the server, reports checkpoints and then CaughtUp (${DOCS}/subscriptions.html#server-side-filtering)`, async () => {
    const prefix = `fidelity-sub-${randomUUID().slice(0, 8)}-`;
    const first = await client.appendToStream(`${prefix}a`, json(0), { expectedRevision: 'no_stream' });
    // Unmatched events between, so the server scans whole search windows without a match.
    for (let i = 0; i < 3; i++) await client.appendToStream(streamName(), Array.from({ length: 40 }, (_, k) => json(k)), { expectedRevision: 'no_stream' });
    await client.appendToStream(`${prefix}b`, [json(1), json(2)], { expectedRevision: 'no_stream' });
    const received: number[] = [];
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first.position!,
      filter: streamNameFilter({ prefixes: [prefix], checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    await new Promise<void>((resolve, reject) => {
      subscription.on('data', (resolved: AllStreamResolvedEvent) => received.push((resolved.event!.data as { i: number }).i));
      subscription.on('caughtUp', () => resolve());
      subscription.on('error', reject);
      setTimeout(() => reject(new Error(`no CaughtUp after ${JSON.stringify(received)}`)), 10_000);
    });
    await subscription.unsubscribe();
    expect(received).toEqual([1, 2]);
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const checkpoint of checkpoints) expect(checkpoint.commit > first.position!.commit).toBe(true);
  });

  it(`delivers live events to a caught-up subscription (${DOCS}/subscriptions.html#subscribing-to-all)`, async () => {
    const prefix = `fidelity-live-${randomUUID().slice(0, 8)}-`;
    const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [prefix] }) });
    const received = new Promise<number>((resolve, reject) => {
      subscription.on('data', (resolved: AllStreamResolvedEvent) => resolve((resolved.event!.data as { i: number }).i));
      subscription.on('error', reject);
      setTimeout(() => reject(new Error('no live event')), 10_000);
    });
    await new Promise<void>((resolve) => subscription.once('confirmation', () => resolve()));
    await client.appendToStream(`${prefix}x`, json(7), { expectedRevision: 'no_stream' });
    expect(await received).toBe(7);
    await subscription.unsubscribe();
  });

  it('refuses an append over the maximum append size (1 MiB by default, server option MaxAppendSize) and writes none of it (https://developers.eventstore.com/server/v23.10/configuration.html)', async () => {
    const name = streamName();
    const big = 'x'.repeat(300_000);
    const error = await failure(client.appendToStream(name, [0, 1, 2, 3].map((i) => json(i, { big })), { expectedRevision: 'no_stream' }));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1_048_576);
    const missing = await failure((async () => {
      for await (const _ of client.readStream(name)) {
        // nothing
      }
    })());
    expect(missing).toBeInstanceOf(StreamNotFoundError);
  });

  it(`answers reads and writes of a tombstoned stream with StreamDeleted, for good (${DOCS}/deleting-events.html#tombstoning)`, async () => {
    const name = streamName();
    await client.appendToStream(name, json(0), { expectedRevision: 'no_stream' });
    await client.tombstoneStream(name);
    const readError = await failure((async () => {
      for await (const _ of client.readStream(name)) {
        // nothing
      }
    })());
    expect(readError).toBeInstanceOf(StreamDeletedError);
    expect(await failure(client.appendToStream(name, json(1), { expectedRevision: 'any' }))).toBeInstanceOf(StreamDeletedError);
    expect(await failure(client.appendToStream(name, json(1), { expectedRevision: 'no_stream' }))).toBeInstanceOf(StreamDeletedError);
  });

  it(`reads $all forwards from a position inclusively (the adapter drops the event at the position) (${DOCS}/reading-events.html#reading-from-a-position)`, async () => {
    const name = streamName();
    const written = await client.appendToStream(name, [json(0), json(1)], { expectedRevision: 'no_stream' });
    const before: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 2 })) before.push(resolved);
    const firstPosition = before.find((e) => e.event?.revision === 0n && e.event.streamId === name)?.event?.position;
    expect(firstPosition).toBeDefined();
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: firstPosition!, maxCount: 2 })) page.push(resolved);
    expect(page.map((e) => e.event?.position)).toEqual([firstPosition, written.position]);
  });
});
