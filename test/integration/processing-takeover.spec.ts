import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_VIEWS, apiKeyStreamName, keyListingQueries, keyVerificationLookup } from '@keystream/api-keys';
import { type GlobalPosition, SqliteEventStore } from '@keystream/event-store';
import { ProcessingRuntime } from '@keystream/processing';
import { type ReadModel, openPostgresReadModel } from '@keystream/read-model';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEYS = 8;
const EDITS_PER_KEY = 40;
const silent = { info() {}, warn() {}, error() {} };

/**
 * Two instances share one PostgreSQL read model. The one holding the processing lease is a real
 * worker process, SIGKILLed in the middle of a stream of events; the standby (this process) must
 * take over within seconds and leave every row exactly as a single clean run would.
 */
describe('processing lease takeover on PostgreSQL', () => {
  const schema = `takeover_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'keystream-takeover-'));
  let eventStore: SqliteEventStore;
  let readModel: ReadModel;
  let worker: ChildProcess;
  let standby: ProcessingRuntime;

  beforeAll(async () => {
    eventStore = new SqliteEventStore(join(dataDir, 'events.db'));
    readModel = await openPostgresReadModel({ connectionString: DATABASE_URL, schema, views: API_KEY_VIEWS });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await standby?.stop();
    await readModel?.close();
    await eventStore?.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hands the projections to the standby when the leader is killed, losing and doubling nothing', async () => {
    worker = spawn(process.execPath, ['--import', './test/setup/register-ts.mjs', 'apps/worker/src/main.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, READ_MODEL: 'postgres', DATABASE_URL, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await outputContains(worker, 'processing lease taken');

    standby = new ProcessingRuntime(eventStore, readModel, API_KEY_VIEWS, silent, { enabled: true, leaseRetryMs: 200 });
    standby.start();
    await until(() => standby.status().role === 'standby');

    const keyIds = Array.from({ length: KEYS }, () => randomUUID().replaceAll('-', '').slice(0, 24));
    let last: GlobalPosition | undefined;
    let killedAt = 0;
    for (let edit = 0; edit <= EDITS_PER_KEY; edit++) {
      for (const keyId of keyIds) last = (await appendFor(eventStore, keyId, edit)).position;
      if (edit === EDITS_PER_KEY / 2) {
        expect(standby.status().role).toBe('standby');
        worker.kill('SIGKILL');
        killedAt = Date.now();
      }
    }
    await until(() => standby.status().role === 'leader', 20_000);
    const takeoverMs = Date.now() - killedAt;
    expect(await standby.waiter.waitFor(last!, 20_000)).toBe(true);

    const listing = keyListingQueries(readModel.live);
    const page = await listing.listKeys({ tenantId: 't1', limit: 500 });
    expect(page.rows).toHaveLength(KEYS);
    for (const keyId of keyIds) {
      const row = await listing.getKey('t1', keyId);
      expect(row).toMatchObject({ name: `name-${EDITS_PER_KEY}`, revision: EDITS_PER_KEY });
      expect(await keyVerificationLookup(readModel.live).findVerification(keyId)).toMatchObject({ revision: EDITS_PER_KEY, isActive: true });
    }
    console.log(`processing takeover: standby led ${takeoverMs} ms after the leader was killed`);
    expect(takeoverMs).toBeLessThan(15_000);
  }, 90_000);
});

const appendFor = (store: SqliteEventStore, keyId: string, edit: number) => {
  const ids = { tenantId: 't1', keyId, ownerId: 'owner' };
  const event =
    edit === 0
      ? { type: 'KeyCreated', data: { ...ids, ownerFirstName: '', ownerLastName: '', name: 'name-0', description: '', scope: 'user', expiresAt: '2030-01-01T00:00:00.000Z', secretHash: 'scrypt$x', createdAt: new Date().toISOString() } }
      : { type: 'KeyEdited', data: { ...ids, changes: { name: { before: `name-${edit - 1}`, after: `name-${edit}` } }, editedAt: new Date().toISOString() } };
  return store.appendToStream(apiKeyStreamName(keyId), [{ id: randomUUID(), metadata: { tenantId: 't1' }, ...event }], edit === 0 ? 'no_stream' : BigInt(edit - 1));
};

function outputContains(child: ChildProcess, text: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`worker never said "${text}":\n${seen}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before saying "${text}":\n${seen}`)));
  });
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
