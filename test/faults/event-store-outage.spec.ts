import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble } from '../doubles/esdb-protocol-double/esdb-protocol-double.js';
import { type E2eApp, startApp } from '../e2e/harness.js';
import { DrillLoad } from './support/drill-load.js';
import { SqliteLocker } from './support/sqlite-locker.js';

/**
 * Fault drills: the event store cannot take appends for a while. Reads served by the views keep
 * answering; commands answer 503 with Retry-After (never 500, never a hang); once the store is back,
 * commands succeed again without a restart, and nothing is lost or doubled.
 */
describe('fault drill: the SQLite events file locked by another process', () => {
  let app: E2eApp;
  let locker: SqliteLocker | undefined;
  beforeAll(async () => {
    app = await startApp('sqlite', { CONSISTENCY_TIMEOUT_MS: '1000', MAX_KEYS_PER_USER: '1000' });
  });
  afterAll(async () => {
    await DrillLoad.stopAll();
    locker?.kill();
    await app?.destroy();
  });

  it('refuses commands with 503 while a child holds an exclusive write transaction, then recovers', async () => {
    const load = await DrillLoad.start(app, 2);
    await load.until((answers) => answers.length >= 20, 10_000, 'load before the lock');

    load.phase = 'locked';
    locker = await SqliteLocker.lock(join(app.dataDir, 'events.db'));
    await load.until(() => load.count('locked', 'edit', 503) >= 1, 30_000, 'edits refused with 503');

    load.phase = 'released';
    await locker.release();
    await load.until(() => load.count('released', 'edit', 204) >= 4, 20_000, 'edits to succeed again');
    await load.stop();

    console.log('sqlite lock drill:', JSON.stringify(load.summary()));
    load.expectOnlySuccessOr503();
    expect(load.outcomes.filter((o) => o.phase === 'locked' && (o.op === 'list' || o.op === 'verify') && o.status !== 200)).toEqual([]);
    await load.expectNothingLostOrDoubled({ refusedWroteNothing: true });
  }, 60_000);
});

describe('fault drill: the EventStoreDB double closed mid-stream, then restarted', () => {
  let double: EsdbProtocolDouble;
  let app: E2eApp;
  beforeAll(async () => {
    double = await EsdbProtocolDouble.start();
    app = await startApp('sqlite', { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: double.connectionString, CONSISTENCY_TIMEOUT_MS: '1000', MAX_KEYS_PER_USER: '1000' });
  });
  afterAll(async () => {
    await DrillLoad.stopAll();
    await app?.destroy();
    await double?.close();
  });

  it('refuses commands with 503 while the server is gone, resubscribes and catches up when it is back', async () => {
    const load = await DrillLoad.start(app);
    await load.until((answers) => answers.length >= 40, 10_000, 'load before the outage');
    const subscriptionsBefore = double.subscriptionsAccepted;

    load.phase = 'down';
    await double.stop();
    await load.until(() => load.count('down', 'edit', 503) >= 2, 30_000, 'edits refused with 503');

    load.phase = 'restarted';
    await double.restart();
    await load.until(() => load.count('restarted', 'edit', 204) >= 6, 30_000, 'edits to succeed again');
    await load.stop();

    console.log('esdb outage drill:', JSON.stringify(load.summary()));
    load.expectOnlySuccessOr503();
    expect(double.subscriptionsAccepted, 'the processors never subscribed again').toBeGreaterThan(subscriptionsBefore);
    // An append cut off mid-call may or may not have been stored: at most once, which the check asserts.
    await load.expectNothingLostOrDoubled();
  }, 60_000);
});
