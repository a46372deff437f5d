import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryEventStore, type RecordedEvent, formatPosition } from '@keystream/event-store';
import { type ReadModel, type ViewSchema, openSqliteReadModel } from '@keystream/read-model';
import type { Projection } from './projection.js';
import { rebuildProjections } from './rebuild-projections.js';

/** Two views of their own, one per stream prefix: per stream, the `n` of every event applied, in order. */
const viewOf = (name: string): ViewSchema => ({
  name,
  tables: [{ name: `${name}_seen`, columns: ['stream', 'ns'] }],
  migrations: { '0001_tables': (db) => viewOf(name).createCurrent(db, (table) => table) },
  createCurrent: async (db, table) => {
    await db.schema.createTable(table(`${name}_seen`)).addColumn('stream', 'text', (c) => c.primaryKey()).addColumn('ns', 'text').execute();
  },
});

const projectionOf = (name: string, prefix: string, applied: RecordedEvent[][]): Projection => ({
  name,
  version: 2,
  filter: { streamNamePrefixes: [prefix] },
  async applyBatch(tx, events) {
    applied.push([...events]);
    const { db, table } = tx.views;
    for (const event of events) {
      const row = await db.selectFrom(table(`${name}_seen`)).selectAll().where('stream', '=', event.streamName).executeTakeFirst();
      const ns = row ? `${row.ns},${event.data.n}` : String(event.data.n);
      await db
        .insertInto(table(`${name}_seen`))
        .values({ stream: event.streamName, ns })
        .onConflict((oc) => oc.column('stream').doUpdateSet({ ns }))
        .execute();
    }
  },
});

describe('rebuildProjections', () => {
  let dir: string;
  let eventStore: InMemoryEventStore;
  let readModel: ReadModel;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-rebuild-'));
    eventStore = new InMemoryEventStore();
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'), [viewOf('alpha'), viewOf('beta')]);
    for (let n = 0; n < 25; n++) {
      const stream = n % 2 === 0 ? `a-${n % 4}` : `b-${n % 3}`;
      await eventStore.appendToStream(stream, [{ id: crypto.randomUUID(), type: 'Happened', data: { n }, metadata: {} }], 'any');
    }
    await eventStore.appendToStream('other-1', [{ id: crypto.randomUUID(), type: 'Ignored', data: { n: 99 }, metadata: {} }], 'any');
  });
  afterEach(async () => {
    await readModel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (name: string) =>
    Object.fromEntries(
      (await readModel.live.db.selectFrom(`${name}_seen`).select(['stream', 'ns']).orderBy('stream').execute()).map((row) => [row.stream, row.ns]),
    );

  it('reads the log once, in pages, for every view, and hands each view only the events of its streams, in order', async () => {
    const alphaBatches: RecordedEvent[][] = [];
    const betaBatches: RecordedEvent[][] = [];
    const readAll = vi.spyOn(eventStore, 'readAll');
    const { events } = await rebuildProjections(
      eventStore,
      readModel,
      [projectionOf('alpha', 'a-', alphaBatches), projectionOf('beta', 'b-', betaBatches)],
      { batchSize: 4 },
    );

    // 25 matching events in pages of 4: 7 pages, each read once for both views.
    expect(readAll).toHaveBeenCalledTimes(7);
    expect(readAll.mock.calls.every(([options]) => [...options.filter.streamNamePrefixes].sort().join() === 'a-,b-')).toBe(true);
    expect(events).toBe(25);
    expect(alphaBatches.flat().every((event) => event.streamName.startsWith('a-'))).toBe(true);
    expect(betaBatches.flat().every((event) => event.streamName.startsWith('b-'))).toBe(true);
    expect(await rows('alpha')).toEqual({ 'a-0': '0,4,8,12,16,20,24', 'a-2': '2,6,10,14,18,22' });
    expect(await rows('beta')).toEqual({ 'b-0': '3,9,15,21', 'b-1': '1,7,13,19', 'b-2': '5,11,17,23' });
    // Each view's live checkpoint is the shadow's: the log's head, past the event no view reads.
    const head = formatPosition((await eventStore.headPosition())!);
    expect(await readModel.getCheckpoint('alpha')).toBe(head);
    expect(await readModel.getCheckpoint('beta')).toBe(head);
    expect(await readModel.appliedVersions()).toEqual(new Map([['alpha', 2], ['beta', 2]]));
  });

  it('rebuilds again to the very same rows', async () => {
    const projections = [projectionOf('alpha', 'a-', []), projectionOf('beta', 'b-', [])];
    await rebuildProjections(eventStore, readModel, projections, { batchSize: 3 });
    const once = [await rows('alpha'), await rows('beta')];
    await rebuildProjections(eventStore, readModel, projections, { batchSize: 1000 });
    expect([await rows('alpha'), await rows('beta')]).toEqual(once);
  });
});
