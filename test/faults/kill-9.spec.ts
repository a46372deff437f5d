import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyStreamName } from '@keystream/api-keys';
import { SqliteEventStore } from '@keystream/event-store';
import { DATABASE_URL, JWT_SECRET, actor, adminQuery, createBody, randomId, waitUntil } from '../e2e/harness.js';
import { freePort } from './support/private-postgres.js';
import { ServiceProcess } from './support/service-process.js';

/**
 * Fault drills: `kill -9` of the api in the middle of commands, and of the worker in the middle of a
 * batch, with the views on PostgreSQL (the shared server, a schema of the drill's own). After a
 * restart nothing acknowledged is lost, nothing is recorded or applied twice, and the views equal the
 * event store.
 */
describe('fault drill: kill -9 with PostgreSQL views', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  });

  const environment = async (extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keystream-kill-'));
    const schema = `kill_${randomBytes(6).toString('hex')}`;
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }), () => adminQuery(DATABASE_URL, `drop schema if exists "${schema}" cascade`).then(() => undefined));
    const env = { DATA_DIR: dataDir, READ_MODEL: 'postgres', DATABASE_URL, DATABASE_SCHEMA: schema, AUTH_JWT_SECRET: JWT_SECRET, PORT: String(await freePort()), MAX_KEYS_PER_USER: '1000', ...extra };
    const start = async (app: 'api' | 'worker') => {
      const service = await ServiceProcess.start(app, env);
      cleanups.push(() => service.kill9());
      return service;
    };
    const store = () => {
      const opened = new SqliteEventStore(join(dataDir, 'events.db'));
      cleanups.push(() => opened.close());
      return opened;
    };
    return { env, schema, start, store };
  };

  it('the api killed mid-command: every acknowledged command is recorded once, the views equal the store', async () => {
    const { schema, start, store } = await environment({ CONSISTENCY_TIMEOUT_MS: '2000' });
    let api = await start('api');
    const tenant = randomId('tenant');
    const [admin, alice] = await Promise.all([actor(tenant, { admin: true }), actor(tenant)]);
    const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${api.base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
        .then((r) => r.status, () => 0);
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${api.base}/v1/apiKeys`, { method: 'POST', headers: { ...alice.headers, 'content-type': 'application/json' }, body: JSON.stringify(createBody(`k${i}-0`)) });
      keys.push(((await response.json()) as { uid: string }).uid);
    }

    // 6 writers edit one key each and 6 create keys, until the api dies under them (status 0: no answer).
    const answers: { kind: 'edit' | 'create'; subject: string; keyId?: string; status: number }[] = [];
    const writer = async (kind: 'edit' | 'create', i: number) => {
      for (let n = 1; ; n++) {
        const subject = kind === 'edit' ? `k${i}-${n}` : `c${i}-${n}`;
        const status = kind === 'edit'
          ? await call('PUT', `/v1/apiKeys/${keys[i]}`, alice.headers, { metadata: { name: subject } })
          : await call('POST', '/v1/apiKeys', alice.headers, createBody(subject));
        answers.push({ kind, subject, keyId: kind === 'edit' ? keys[i] : undefined, status });
        if (status === 0) return;
      }
    };
    const writers = keys.flatMap((_, i) => [writer('edit', i), writer('create', i)]);
    await waitUntil(() => answers.length >= 30, 20_000, '30 answered commands');
    await api.kill9();
    await Promise.all(writers);
    expect(answers.filter((a) => a.status !== 0 && a.status >= 300), 'answers before the kill').toEqual([]);

    api = await start('api');
    const events = store();
    for (const keyId of keys) {
      const names = (await events.readStream(apiKeyStreamName(keyId))).filter((e) => e.type === 'KeyEdited').map((e) => (e.data as { changes: { name: { after: string } } }).changes.name.after);
      expect(new Set(names).size, `an edit of ${keyId} was recorded twice`).toBe(names.length);
      expect(answers.filter((a) => a.keyId === keyId && a.status === 204 && !names.includes(a.subject)), 'acknowledged edits lost').toEqual([]);
    }
    const listed = await waitForViews(schema, events, tenant);
    const createdNames = listed.map((row) => row.name).filter((name) => name.startsWith('c'));
    expect(new Set(createdNames).size, 'a create was recorded twice').toBe(createdNames.length);
    const acknowledged = answers.filter((a) => a.kind === 'create' && a.status === 201).map((a) => a.subject);
    expect(acknowledged.filter((name) => !createdNames.includes(name)), 'acknowledged creates lost').toEqual([]);
    // A create cut off by the kill may have been recorded (its answer was lost), but only the one in flight per writer.
    const inFlight = answers.filter((a) => a.kind === 'create' && a.status === 0).map((a) => a.subject);
    expect(createdNames.filter((name) => !acknowledged.includes(name) && !inFlight.includes(name))).toEqual([]);
    expect(await call('GET', '/v1/apiKeys?limit=1', admin.headers)).toBe(200);
  }, 60_000);

  it('the worker killed mid-batch: a new worker takes the lease and applies every event exactly once', async () => {
    const { schema, start, store } = await environment({ RUN_PROCESSORS: 'false', CONSISTENCY_TIMEOUT_MS: '500' });
    const api = await start('api');
    let worker = await start('worker');
    const events = store();
    const tenant = randomId('tenant');
    const keyIds = Array.from({ length: 20 }, () => randomUUID().replaceAll('-', '').slice(0, 24));
    let edit = 0;
    const appendRound = async () => {
      for (const keyId of keyIds) await appendEdit(events, tenant, keyId, edit);
      edit += 1;
    };
    // Keep appending until the worker is caught with events applied and more waiting: mid-batch.
    await appendRound();
    const deadline = Date.now() + 20_000;
    for (let killed = false; !killed; ) {
      if (Date.now() > deadline) throw new Error('never caught the worker with a backlog');
      await appendRound();
      const applied = await checkpointPosition(schema);
      if (applied > 0n && applied < (await events.headPosition())!.commit) {
        await worker.kill9();
        killed = true;
      }
    }
    for (let round = 0; round < 5; round++) await appendRound();
    const edits = edit - 1;

    // While no worker runs, the api still answers: reads from the (stale) views, creates 503 with Retry-After.
    const alice = await actor(tenant);
    const create = await fetch(`${api.base}/v1/apiKeys`, { method: 'POST', headers: { ...alice.headers, 'content-type': 'application/json' }, body: JSON.stringify(createBody('during-outage')) });
    expect([201, 503]).toContain(create.status);
    if (create.status === 503) expect(Number(create.headers.get('retry-after'))).toBeGreaterThan(0);

    worker = await start('worker');
    const rows = await waitForViews(schema, events, tenant);
    expect(rows.filter((row) => keyIds.includes(row.key_id)).map((row) => [row.name, Number(row.revision)])).toEqual(keyIds.map(() => [`name-${edits}`, edits]));
    const verification = await adminQuery<{ key_id: string; revision: string }>(DATABASE_URL, `select key_id, revision from "${schema}".key_verification`);
    expect(verification.filter((row) => keyIds.includes(row.key_id)).every((row) => Number(row.revision) === edits)).toBe(true);
  }, 60_000);
});

/** Waits until every key row of the tenant shows its stream's last revision; returns the rows. */
async function waitForViews(schema: string, events: SqliteEventStore, tenantId: string) {
  type Row = { key_id: string; name: string; revision: string };
  let rows: Row[] = [];
  await waitUntil(async () => {
    rows = await adminQuery<Row>(DATABASE_URL, `select key_id, name, revision from "${schema}".key_listing where tenant_id = $1 order by key_id`, [tenantId]).catch(() => []);
    const revisions = await Promise.all(rows.map(async (row) => (await events.readStream(apiKeyStreamName(row.key_id))).length - 1));
    const streams = new Set((await events.readAll({ maxCount: 100_000, filter: { streamNamePrefixes: [apiKeyStreamName('')] } })).events.filter((e) => e.data.tenantId === tenantId).map((e) => e.streamName));
    return rows.length === streams.size && rows.every((row, i) => Number(row.revision) === revisions[i]);
  }, 30_000, 'the views to equal the event store');
  return rows;
}

async function checkpointPosition(schema: string): Promise<bigint> {
  const rows = await adminQuery<{ position: string }>(DATABASE_URL, `select position from "${schema}".checkpoints`).catch(() => []);
  return rows.reduce((max, row) => (BigInt(row.position.split('/')[0] ?? 0) > max ? BigInt(row.position.split('/')[0] ?? 0) : max), 0n);
}

function appendEdit(store: SqliteEventStore, tenantId: string, keyId: string, edit: number) {
  const ids = { tenantId, keyId, ownerId: 'owner' };
  const event =
    edit === 0
      ? { type: 'KeyCreated', data: { ...ids, ownerFirstName: '', ownerLastName: '', name: 'name-0', description: '', scope: 'user', expiresAt: '2030-01-01T00:00:00.000Z', secretHash: 'scrypt$x', createdAt: new Date().toISOString() } }
      : { type: 'KeyEdited', data: { ...ids, changes: { name: { before: `name-${edit - 1}`, after: `name-${edit}` } }, editedAt: new Date().toISOString() } };
  return store.appendToStream(apiKeyStreamName(keyId), [{ id: randomUUID(), metadata: { tenantId }, ...event }], edit === 0 ? 'no_stream' : BigInt(edit - 1));
}
