/**
 * The semantics the protocol double claims (README.md), checked through the real client. With
 * ESDB_CONNECTION_STRING set, the same checks run against a real server, which is how the double is
 * kept honest; the checks that need a quiet, private server run against the double only.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  START,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble } from './esdb-protocol-double.js';
import { runsAgainstRealServer, startEsdbTestServer, type EsdbTestServer } from './esdb-test-server.js';

const json = (i = 0) => jsonEvent({ id: randomUUID(), type: 'Tested', data: { i } });
const stream = () => `double-${randomUUID()}`;

describe('EventStoreDB semantics reproduced by the protocol double', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await startEsdbTestServer('esdb protocol double semantics');
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  const wrongVersion = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as WrongExpectedVersionError);

  it('applies the expected-revision rules and reports current and expected on a conflict', async () => {
    const name = stream();
    await expect(wrongVersion(client.appendToStream(name, json(), { expectedRevision: 'stream_exists' }))).resolves.toMatchObject({
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });
    await expect(wrongVersion(client.appendToStream(name, json(), { expectedRevision: 0n }))).resolves.toMatchObject({
      expectedVersion: 0n,
      actualVersion: 'no_stream',
    });
    expect((await client.appendToStream(name, [json(), json()], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(1n);
    expect((await client.appendToStream(name, json(), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(2n);
    expect((await client.appendToStream(name, json(), { expectedRevision: 'any' })).nextExpectedRevision).toBe(3n);
    await expect(wrongVersion(client.appendToStream(name, json(), { expectedRevision: 1n }))).resolves.toMatchObject({
      expectedVersion: 1n,
      actualVersion: 3n,
    });
    await expect(wrongVersion(client.appendToStream(name, json(), { expectedRevision: 'no_stream' }))).resolves.toMatchObject({
      expectedVersion: 'no_stream',
      actualVersion: 3n,
    });
  });

  it('answers a retried append with the same event ids as the original write, and a partial overlap as a conflict', async () => {
    const name = stream();
    const events = [json(1), json(2)];
    const first = await client.appendToStream(name, events, { expectedRevision: 'no_stream' });
    expect(await client.appendToStream(name, events, { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await client.appendToStream(name, events, { expectedRevision: 'any' })).toEqual(first);
    await expect(wrongVersion(client.appendToStream(name, [events[0]!, json(3)], { expectedRevision: 'no_stream' }))).resolves.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await readStream(client, name)).toHaveLength(2);
  });

  it('orders $all by positions where commit equals prepare, and an append answers with its last event position', async () => {
    const name = stream();
    const result = await client.appendToStream(name, [json(1), json(2), json(3)], { expectedRevision: 'no_stream' });
    const mine = (await readAll(client, END, 50, BACKWARDS)).filter((e) => e.event?.streamId === name).reverse();
    const positions = mine.map((e) => e.event!.position);
    expect(positions.every((p) => p.commit === p.prepare)).toBe(true);
    expect(positions[0]!.commit < positions[1]!.commit && positions[1]!.commit < positions[2]!.commit).toBe(true);
    expect(positions[2]).toEqual(result.position);
    expect((await readStream(client, name)).map((e) => e.event!.position)).toEqual(positions);
  });

  it('reads $all forwards from a position inclusively and backwards from it exclusively', async () => {
    const name = stream();
    await client.appendToStream(name, [json(1), json(2), json(3)], { expectedRevision: 'no_stream' });
    const middle = (await readStream(client, name))[1]!.event!.position!;
    const forwards = await readAll(client, middle, 2);
    expect(forwards.map((e) => e.event!.data)).toEqual([{ i: 2 }, { i: 3 }]);
    const backwards = await readAll(client, middle, 1, BACKWARDS);
    expect(backwards.map((e) => e.event!.data)).toEqual([{ i: 1 }]);
  });

  it('confirms a subscription, catches up after a position exclusively, says caught up, then goes live', async () => {
    const name = stream();
    await client.appendToStream(name, [json(0), json(1)], { expectedRevision: 'no_stream' });
    const [first] = await readStream(client, name);
    const seen: unknown[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first!.event!.position,
      filter: streamNameFilter({ prefixes: [name] }),
    });
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => seen.push('caught-up'));
    subscription.on('data', (resolved: AllStreamResolvedEvent) => seen.push(resolved.event!.data));
    await waitFor(() => seen.includes('caught-up'));
    await client.appendToStream(name, json(2), { expectedRevision: 1n });
    await waitFor(() => seen.length === 4);
    await subscription.unsubscribe();
    expect(seen).toEqual(['confirmation', { i: 1 }, 'caught-up', { i: 2 }]);
  });
});

describe.skipIf(runsAgainstRealServer())('protocol double only (needs a private, quiet server)', () => {
  it('checkpoints every multiplier × search window scanned events, in catch-up (not on the last page) and live', async () => {
    const double = await EsdbProtocolDouble.start({ systemEvents: false });
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      await client.appendToStream('other', Array.from({ length: 45 }, (_, i) => json(i)));
      const checkpoints: bigint[] = [];
      let caughtUp = false;
      const subscription = client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({
          prefixes: ['nothing'],
          maxSearchWindow: 10,
          checkpointInterval: 2,
          checkpointReached: (_s, position) => void checkpoints.push(position.commit),
        }),
      });
      subscription.on('caughtUp', () => (caughtUp = true));
      await waitFor(() => caughtUp);
      const positions = double.log.all.map((e) => e.position);
      // Pages of 10 from event 0: the counter reaches 20 after pages 2 and 4; page 5 (5 events) is the last.
      expect(checkpoints).toEqual([positions[10], positions[30]]);
      await client.appendToStream('other', Array.from({ length: 20 }, (_, i) => json(i)));
      // Live, the 5 events left over from catch-up count too: the 15th new event completes the interval.
      await waitFor(() => checkpoints.length === 3);
      expect(checkpoints[2]).toBe(double.log.all[45 + 14]!.position);
      await subscription.unsubscribe();
    } finally {
      await client.dispose();
      await double.close();
    }
  });

  it('restarts on the same port with the same data after stop() dropped every connection', async () => {
    const double = await EsdbProtocolDouble.start();
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      await client.appendToStream('kept', json(1), { expectedRevision: 'no_stream' });
      const port = double.port;
      await double.stop();
      await expect(readStream(client, 'kept')).rejects.toThrow();
      await double.restart();
      expect(double.port).toBe(port);
      expect((await readStream(client, 'kept')).map((e) => e.event!.data)).toEqual([{ i: 1 }]);
    } finally {
      await client.dispose();
      await double.close();
    }
  });
});

async function readStream(client: EventStoreDBClient, name: string) {
  const events = [];
  for await (const resolved of client.readStream(name)) events.push(resolved);
  return events;
}

async function readAll(client: EventStoreDBClient, fromPosition: ReadPosition | Position, maxCount: number, direction?: typeof BACKWARDS) {
  const events: AllStreamResolvedEvent[] = [];
  for await (const resolved of client.readAll({ fromPosition, maxCount, ...(direction ? { direction } : {}) })) events.push(resolved);
  return events;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
