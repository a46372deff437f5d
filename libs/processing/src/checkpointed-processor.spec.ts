import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type EventStore, type RecordedEvent, SqliteEventStore, formatPosition } from '@keystream/event-store';
import { type ReadModel, type ReadModelTransaction, openSqliteReadModel } from '@keystream/read-model';
import { CaughtUpWaiter } from './caught-up-waiter.js';
import { CheckpointedProcessor, projectionConsumer } from './checkpointed-processor.js';
import type { Projection } from './projection.js';

const silent = { info() {}, warn() {}, error() {} };

/** Counts applications per event in a listing row's description, so double-applies show. */
const countingProjection = (fail: (event: RecordedEvent) => boolean = () => false): Projection => ({
  name: 'counting-v1',
  filter: { streamNamePrefixes: ['apikey-'] },
  async apply(tx: ReadModelTransaction, event: RecordedEvent) {
    if (fail(event)) throw new Error('projection crashed mid-batch');
    const keyId = event.streamName.slice('apikey-'.length);
    const row = await tx.getListingRow(keyId);
    if (row && row.revision >= Number(event.revision)) return;
    const seen = row ? `${row.description},${event.data.n}` : String(event.data.n);
    await tx.putListingRow({
      tenantId: 't1', keyId, ownerId: 'o', ownerFirstName: '', ownerLastName: '', name: keyId, description: seen,
      scope: 'user', expiresAt: '2030-01-01T00:00:00.000Z', isActive: true, deleted: false,
      createdAt: '2026-01-01T00:00:00.000Z', lastModifiedAt: '2026-01-01T00:00:00.000Z', revision: Number(event.revision),
    });
  },
});

describe('CheckpointedProcessor', () => {
  let dir: string;
  let eventStore: EventStore;
  let readModel: ReadModel;
  const processors: CheckpointedProcessor[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-processor-'));
    eventStore = new SqliteEventStore(join(dir, 'events.db'));
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'));
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
    new CaughtUpWaiter(readModel, ['counting-v1']).waitFor(position, 10_000);

  it('applies every event once, in order, and stores its checkpoint with the rows', async () => {
    const head = await append('a', 5);
    start(countingProjection());
    expect(await caughtUp(head)).toBe(true);
    expect((await readModel.getKey('t1', 'a'))?.description).toBe('0,1,2,3,4');
    expect(await readModel.getCheckpoint('counting-v1')).toBe(formatPosition(head));
  });

  it('resumes after a stop from its checkpoint, without re-applying', async () => {
    const first = await append('a', 3);
    const processor = start(countingProjection());
    expect(await caughtUp(first)).toBe(true);
    await processor.stop();
    const more = await eventStore.appendToStream('apikey-a', [{ id: randomUUID(), type: 'KeyEdited', data: { n: 3 }, metadata: {} }], 2n);
    start(countingProjection());
    expect(await caughtUp(more.position)).toBe(true);
    expect((await readModel.getKey('t1', 'a'))?.description).toBe('0,1,2,3');
  });

  it('loses nothing when it crashes mid-batch: the batch rolls back and is retried whole', async () => {
    const head = await append('a', 6);
    let crashes = 2;
    const processor = start(countingProjection((event) => event.data.n === 3 && crashes-- > 0));
    expect(await caughtUp(head)).toBe(true);
    expect((await readModel.getKey('t1', 'a'))?.description).toBe('0,1,2,3,4,5');
    expect(processor.status().failures).toBe(2);
  });

  it('runs safely on two instances at once: each event lands once', async () => {
    const head = await append('a', 50);
    start(countingProjection());
    start(countingProjection());
    expect(await caughtUp(head)).toBe(true);
    expect((await readModel.getKey('t1', 'a'))?.description).toBe(Array.from({ length: 50 }, (_, n) => n).join(','));
  });

  it('keeps up with live appends', async () => {
    start(countingProjection());
    const head = await append('live', 10);
    expect(await caughtUp(head)).toBe(true);
    expect((await readModel.getKey('t1', 'live'))?.description.split(',')).toHaveLength(10);
  });

  it('retries a failed live batch at once, even when nothing else is ever written', async () => {
    let crashes = 1;
    const processor = start(countingProjection(() => crashes-- > 0));
    await vi.waitUntil(() => processor.status().state === 'live'); // caught up on the empty log
    const head = await append('quiet', 1);
    expect(await caughtUp(head)).toBe(true);
    expect(processor.status().failures).toBe(1);
  });

  it('reports a timeout when nothing processes', async () => {
    const head = await append('a', 1);
    expect(await new CaughtUpWaiter(readModel, ['counting-v1']).waitFor(head, 50)).toBe(false);
  });
});
