import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessingRuntime } from '@keystream/processing';
import { type E2eApp, startApp, waitUntil } from '../e2e/harness.js';
import { DrillLoad } from './support/drill-load.js';
import { PrivatePostgres } from './support/private-postgres.js';

/**
 * Fault drill: the PostgreSQL server of the views and of the processing lease (a session advisory
 * lock) stops under load and starts again. Events stay in the embedded SQLite store, so commands keep
 * being recorded; everything that needs the views answers 503 with Retry-After, never 500, never a
 * hang; when the server is back the instance takes its lease again by itself, the views catch up, and
 * nothing is lost or doubled. The drill's own cluster (not the shared :5432 one) is what it stops.
 */
describe('fault drill: PostgreSQL (views and lease) stopped and started under load', () => {
  let postgres: PrivatePostgres;
  let app: E2eApp;

  beforeAll(async () => {
    postgres = await PrivatePostgres.create();
    app = await startApp('postgres', { DATABASE_URL: postgres.url, CONSISTENCY_TIMEOUT_MS: '1000', MAX_KEYS_PER_USER: '1000' });
  });
  afterAll(async () => {
    await DrillLoad.stopAll();
    await app?.destroy();
    await postgres?.destroy();
  });

  it('answers 503 with Retry-After while it is down, then recovers by itself with nothing lost or doubled', async () => {
    const role = () => (app.app.get(ProcessingRuntime).status() as { role?: string }).role;
    const load = await DrillLoad.start(app);
    await load.until((answers) => answers.length >= 40, 10_000, 'load before the outage');

    load.phase = 'stopping';
    await postgres.stop();
    load.phase = 'down';
    await load.until(() => load.count('down', undefined, 503) >= 5, 15_000, 'the outage to be answered with 503');
    await waitUntil(() => role() !== 'leader', 15_000, 'the instance to notice its lease is gone');

    load.phase = 'restarted';
    await postgres.start();
    await load.waitForRecovery();
    await waitUntil(() => role() === 'leader', 15_000, 'the instance to take the processing lease again');
    load.phase = 'recovered';
    await load.until(() => load.outcomes.filter((o) => o.phase === 'recovered').length >= 40, 15_000, 'load after the recovery');
    await load.stop();

    console.log('postgres outage drill:', JSON.stringify(load.summary()));
    load.expectOnlySuccessOr503();
    expect(load.outcomes.filter((o) => o.phase === 'recovered' && o.status !== 503 && o.status >= 300)).toEqual([]);
    await load.expectNothingLostOrDoubled();
  }, 60_000);
});
