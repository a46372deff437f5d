import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventToAppend } from '../../event-store.port.js';
import { SqliteEventStore } from './sqlite.event-store.js';

const event = (): EventToAppend => ({ id: randomUUID(), type: 'KeyEdited', data: { n: 1 }, metadata: { tenantId: 't1' } });

/** SQLite specifics beyond the contract: group commit of concurrent appends. */
describe('SqliteEventStore group commit', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-events-group-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Every commit in WAL mode writes each page it changed as a frame (page + 24-byte header) to the
  // -wal file: the table's page and its two indexes' (about 3 a commit), so twenty separate commits
  // grow it by some sixty frames, one group commit of twenty by the pages they share (under ten).
  const walFrames = (): number => statSync(`${file}-wal`).size / (4096 + 24);

  it('writes the appends sent in one turn of the event loop in one transaction', async () => {
    await store.appendToStream(`apikey-warm-${randomUUID()}`, [event()], 'no_stream');
    const beforeSeparate = walFrames();
    for (let i = 0; i < 20; i++) await store.appendToStream(`apikey-${randomUUID()}`, [event()], 'no_stream');
    const separate = walFrames() - beforeSeparate;
    const beforeGrouped = walFrames();
    await Promise.all(Array.from({ length: 20 }, () => store.appendToStream(`apikey-${randomUUID()}`, [event()], 'no_stream')));
    const grouped = walFrames() - beforeGrouped;
    expect(separate).toBeGreaterThanOrEqual(40);
    expect(grouped).toBeLessThanOrEqual(10);
  });

  it('lets appends of one group to the same stream see each other: the second at the first one\'s revision succeeds', async () => {
    const stream = `apikey-${randomUUID()}`;
    const [first, second] = await Promise.all([
      store.appendToStream(stream, [event()], 'no_stream'),
      store.appendToStream(stream, [event()], 0n),
    ]);
    expect(first.nextExpectedRevision).toBe(0n);
    expect(second.nextExpectedRevision).toBe(1n);
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it('refuses only the append whose rows a constraint rejects (an event id already used), keeping the rest of its group', async () => {
    const reused = event();
    await store.appendToStream(`apikey-${randomUUID()}`, [reused], 'no_stream');
    const [bad, good] = await Promise.allSettled([
      store.appendToStream(`apikey-${randomUUID()}`, [event(), reused], 'no_stream'),
      store.appendToStream(`apikey-${randomUUID()}`, [event()], 'no_stream'),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    const all = await store.readAll({ maxCount: 100, filter: { streamNamePrefixes: ['apikey-'] } });
    expect(all.events).toHaveLength(2);
  });

  it('refuses only the append whose own data cannot be written (a BigInt, a cycle, no events), keeping the rest of its group', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const good = `apikey-${randomUUID()}`;
    const [bigint, cycle, empty, kept] = await Promise.allSettled([
      store.appendToStream(`apikey-${randomUUID()}`, [{ ...event(), data: { n: 1n } }], 'no_stream'),
      store.appendToStream(`apikey-${randomUUID()}`, [{ ...event(), metadata: cyclic }], 'no_stream'),
      store.appendToStream(`apikey-${randomUUID()}`, [], 'no_stream'),
      store.appendToStream(good, [event()], 'no_stream'),
    ]);
    expect([bigint.status, cycle.status, empty.status, kept.status]).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled']);
    expect(await store.readStream(good)).toHaveLength(1);
  });

  it('writes what is queued when closed, and an answered append is in the file when it is opened again', async () => {
    const stream = `apikey-${randomUUID()}`;
    const appended = store.appendToStream(stream, [event()], 'no_stream');
    await store.close();
    await appended;
    store = new SqliteEventStore(file);
    expect(await store.readStream(stream)).toHaveLength(1);
  });
});
