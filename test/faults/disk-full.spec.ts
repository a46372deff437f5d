import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startApp } from '../e2e/harness.js';
import { DrillLoad } from './support/drill-load.js';
import { FULL_DISK_METHOD, FullDisk } from './support/full-disk.js';

/**
 * Fault drill: the disk under the embedded SQLite files (events and views) is full. Commands answer
 * 503 with Retry-After and write nothing, reads keep answering, and once space is freed the service
 * carries on by itself with nothing lost or doubled. FULL_DISK_METHOD says how the disk is made full
 * (a size-limited tmpfs where the mount is allowed, SQLite's max_page_count otherwise).
 */
describe(`fault drill: disk full under the embedded SQLite files (${FULL_DISK_METHOD})`, () => {
  let disk: FullDisk;
  let app: E2eApp;
  // The service's own events connection: the max_page_count fallback sets its limit there.
  const eventsConnection = () => (app.eventStore() as unknown as { db: Database.Database }).db;

  beforeAll(async () => {
    disk = FullDisk.create();
    app = await startApp('sqlite', { DATA_DIR: disk.dir, CONSISTENCY_TIMEOUT_MS: '1000', MAX_KEYS_PER_USER: '1000' });
  });
  afterAll(async () => {
    await DrillLoad.stopAll();
    await app?.destroy();
    disk?.destroy();
  });

  it('answers 503 with Retry-After while no byte can be written, then recovers when space is freed', async () => {
    const load = await DrillLoad.start(app, 2);
    // Full early: SQLite reuses the space its WAL file already has, so a full disk bites once the WAL must grow.
    await load.until((answers) => answers.length >= 8, 10_000, 'load before the disk fills');

    load.phase = 'full';
    disk.fill(eventsConnection());
    await load.until(() => load.count('full', 'edit', 503) >= 3, 20_000, 'edits refused with 503');

    load.phase = 'freed';
    disk.free(eventsConnection());
    await load.until(() => load.count('freed', 'edit', 204) >= 4, 20_000, 'edits to succeed again');
    await load.stop();

    console.log(`disk full drill (${FULL_DISK_METHOD}):`, JSON.stringify(load.summary()));
    load.expectOnlySuccessOr503();
    expect(load.outcomes.filter((o) => o.phase === 'full' && o.op === 'verify' && o.status !== 200)).toEqual([]);
    await load.expectNothingLostOrDoubled({ refusedWroteNothing: true });
  }, 60_000);
});
