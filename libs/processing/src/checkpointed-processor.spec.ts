import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventStore, type RecordedEvent, SqliteEventStore, formatPosition } from '@keystream/event-store';
import { type ReadModel, type ViewSchema, openSqliteReadModel } from '@keystream/read-model';
import { CaughtUpWaiter } from './caught-up-waiter.js';
import { CheckpointedProcessor, projectionConsumer, projectionsConsumer } from './checkpointed-processor.js';
import type { Projection } from './projection.js';

const silent = { info() {}, warn() {}, error() {} };

/** A view of its own for these tests: per stream, the `n` of every event applied, in order. */
const SEEN_VIEW: ViewSchema = {
  name: 'counting',
  tables: [{ name: 'seen', columns: ['stream', 'ns', 'revision'] }],
  migrations: { '0001_tables': (db) => SEEN_VIEW.createCurrent(db, (name) => name) },
  createCurrent: async (db, table) => {
    await db.schema.createTable(table('seen')).addColumn('stream', 'text', (c) => c.primaryKey()).addColumn('ns', 'text').addColumn('revision', 'integer').execute();
  },
};

/** Counts applications per event, so double-applies show; applies event by event, so a crash lands mid-batch. */
const countingProjection = (fail: (event: RecordedEvent) => boolean = () => false): Projection => ({
  name: 'counting',
  version: 1,
  filter: { streamNamePrefixes: ['apikey-'] },
  async applyBatch(tx, events) {
    const { db, table } = tx.views;
    for (const event of events) {
      if (fail(event)) throw new Error('projection crashed mid-batch');
      const row = await db.selectFrom(table('seen')).selectAll().where('stream', '=', event.streamName).executeTakeFirst();
      if (row && Number(row.revision) >= Number(event.revision)) continue;
      const ns = row ? `${row.ns},${event.data.n}` : String(event.data.n);
      await db
        .insertInto(table('seen'))
        .values({ stream: event.streamName, ns, revision: Number(event.revision) })
        .onConflict((oc) => oc.column('stream').doUpdateSet({ ns, revision: Number(event.revision) }))
        .execute();
    }
  },
});

const seen = async (readModel: ReadModel, keyId: string): Promise<string | undefined> => {
  const row = await readModel.live.db.selectFrom('seen').select('ns').where('stream', '=', `apikey-${keyId}`).executeTakeFirst();
  return row?.ns as string | undefined;
};

describe('CheckpointedProcessor', () => {
  let dir: string;
  let eventStore: EventStore;
  let readModel: ReadModel;
  const processors: CheckpointedProcessor[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-processor-'));
    eventStore = new SqliteEventStore(join(dir, 'events.db'));
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'), [SEEN_VIEW]);
  });
  afterEach(async () => {
    await Promise.all(processors.splice(0).map((p) => p.stop()));
    await eventStore.close();
    await readModel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = async (keyId: string, count: number) => {
    let last;
    for (let n = 0; n < count; n++) {
      last = await eventStore.appendToStream(`apikey-${keyId}`, [{ id: randomUUID(), type: 'KeyEdited', data: { n }, metadata: {} }], n === 0 ? 'no_stream' : BigInt(n - 1));
    }
    return last!.position;
  };
  const start = (projection: Projection) => {
    const processor = new CheckpointedProcessor(eventStore, projectionConsumer(readModel, projection), silent, { maxBackoffMs: 50 });
    processors.push(processor);
    processor.start();
    return processor;
  };
  const caughtUp = (position: Awaited<ReturnType<typeof append>>) =>
    new CaughtUpWaiter(readModel, ['counting']).waitFor(position, 10_000);

  it('applies every event once, in order, and stores its checkpoint with the rows', async () => {
    const head = await append('a', 5);
    start(countingProjection());
    expect(await caughtUp(head)).toBe(true);
    expect((await seen(readModel, 'a'))).toBe('0,1,2,3,4');
    expect(await readModel.getCheckpoint('counting')).toBe(formatPosition(head));
  });

  it('resumes after a stop from its checkpoint, without re-applying', async () => {
    const first = await append('a', 3);
    const processor = start(countingProjection());
    expect(await caughtUp(first)).toBe(true);
    await processor.stop();
    const more = await eventStore.appendToStream('apikey-a', [{ id: randomUUID(), type: 'KeyEdited', data: { n: 3 }, metadata: {} }], 2n);
    start(countingProjection());
    expect(await caughtUp(more.position)).toBe(true);
    expect((await seen(readModel, 'a'))).toBe('0,1,2,3');
  });

  it('loses nothing when it crashes mid-batch: the batch rolls back and is retried whole', async () => {
    const head = await append('a', 6);
    let crashes = 2;
    const processor = start(countingProjection((event) => event.data.n === 3 && crashes-- > 0));
    expect(await caughtUp(head)).toBe(true);
    expect((await seen(readModel, 'a'))).toBe('0,1,2,3,4,5');
    expect(processor.status().failures).toBe(2);
  });

  it('runs safely on two instances at once: each event lands once', async () => {
    const head = await append('a', 50);
    start(countingProjection());
    start(countingProjection());
    expect(await caughtUp(head)).toBe(true);
    expect((await seen(readModel, 'a'))).toBe(Array.from({ length: 50 }, (_, n) => n).join(','));
  });

  it('keeps up with live appends', async () => {
    start(countingProjection());
    const head = await append('live', 10);
    expect(await caughtUp(head)).toBe(true);
    expect((await seen(readModel, 'live'))?.split(',')).toHaveLength(10);
  });

  it('retries a failed live batch at once, even when nothing else is ever written', async () => {
    let crashes = 1;
    const processor = start(countingProjection(() => crashes-- > 0));
    await vi.waitUntil(() => processor.status().state === 'live'); // caught up on the empty log
    const head = await append('quiet', 1);
    expect(await caughtUp(head)).toBe(true);
    expect(processor.status().failures).toBe(1);
  });

  it('feeds several projections from one read of the log, each from its own checkpoint, and rolls them back together', async () => {
    const first = await append('a', 3);
    const alone = new CheckpointedProcessor(eventStore, projectionsConsumer(readModel, [countingProjection()]), silent);
    processors.push(alone);
    alone.start();
    expect(await caughtUp(first)).toBe(true);
    await alone.stop();
    const head = await append('b', 2);
    // A second projection, never run: it starts from the first event while `counting` resumes after its own checkpoint.
    const received: string[] = [];
    let failing = true;
    const recorder: Projection = {
      name: 'recorder',
      version: 1,
      filter: { streamNamePrefixes: ['apikey-'] },
      async applyBatch(_tx, events) {
        if (failing) throw new Error('recorder crashed');
        received.push(...events.map((event) => `${event.streamName}@${event.revision}`));
      },
    };
    const counting = countingProjection();
    const countingGot: string[] = [];
    const watchedCounting: Projection = {
      ...counting,
      applyBatch: (tx, events) => {
        countingGot.push(...events.map((event) => `${event.streamName}@${event.revision}`));
        return counting.applyBatch(tx, events);
      },
    };
    const subscribe = vi.spyOn(eventStore, 'subscribeToAll');
    const both = new CheckpointedProcessor(eventStore, projectionsConsumer(readModel, [watchedCounting, recorder]), silent, { maxBackoffMs: 50 });
    processors.push(both);
    both.start();

    // While the recorder fails, the counting rows of the same batch roll back with it.
    await vi.waitUntil(() => both.status().failures >= 2, { timeout: 10_000 });
    expect(await seen(readModel, 'b')).toBeUndefined();
    expect(await readModel.getCheckpoint('counting')).toBe(formatPosition(first));
    failing = false;

    expect(await new CaughtUpWaiter(readModel, ['counting', 'recorder']).waitFor(head, 10_000)).toBe(true);
    expect(await seen(readModel, 'a')).toBe('0,1,2');
    expect(await seen(readModel, 'b')).toBe('0,1');
    expect(received).toEqual(['apikey-a@0', 'apikey-a@1', 'apikey-a@2', 'apikey-b@0', 'apikey-b@1']);
    // `counting` resumed after its own checkpoint: the events it had applied never reached it again.
    expect(countingGot.filter((event) => event.startsWith('apikey-a'))).toEqual([]);
    expect(await readModel.getCheckpoint('counting')).toBe(formatPosition(head));
    expect(await readModel.getCheckpoint('recorder')).toBe(formatPosition(head));
    // One subscription per attempt, for both projections.
    expect(subscribe).toHaveBeenCalledTimes(both.status().failures + 1);
  });

  it('reports a timeout when nothing processes', async () => {
    const head = await append('a', 1);
    expect(await new CaughtUpWaiter(readModel, ['counting']).waitFor(head, 50)).toBe(false);
  });
});
