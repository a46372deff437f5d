import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '@keystream/event-store';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type ReadModel, openPostgresReadModel } from '@keystream/read-model';
import { type LeaderTask, ProcessingRuntime } from './processing-runtime.js';

const silent = { info() {}, warn() {}, error() {} };

/** A task that counts its runs and holds until its signal aborts. */
const countingTask = () => {
  const seen = { started: 0, aborted: 0 };
  const task: LeaderTask = {
    name: 'counting',
    run: (signal) =>
      new Promise<void>((resolve) => {
        seen.started++;
        signal.addEventListener('abort', () => {
          seen.aborted++;
          resolve();
        });
      }),
  };
  return { task, seen };
};

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** On PostgreSQL, where the lease is one holder's (an embedded SQLite file lets every process lead; see lease-provider.ts). */
describe('leader tasks (time-driven work such as expiry notices)', () => {
  const schema = `leader_task_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dir = mkdtempSync(join(tmpdir(), 'keystream-leader-task-'));
  let eventStore: SqliteEventStore;
  let readModels: ReadModel[] = [];

  beforeAll(async () => {
    eventStore = new SqliteEventStore(join(dir, 'events.db'));
    const open = () => openPostgresReadModel({ connectionString: DATABASE_URL, schema, views: [] });
    readModels = [await open(), await open()];
  });
  afterAll(async () => {
    await Promise.all(readModels.map((readModel) => readModel.close()));
    await eventStore.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run on the lease holder only, stop with it, and start on the standby that takes over', async () => {
    const [first, second] = [countingTask(), countingTask()];
    const leader = new ProcessingRuntime(eventStore, readModels[0]!, [], silent, { enabled: true, leaseRetryMs: 50 });
    leader.addTask(first.task);
    leader.start();
    await until(() => leader.status().role === 'leader');
    const standby = new ProcessingRuntime(eventStore, readModels[1]!, [], silent, { enabled: true, leaseRetryMs: 50 });
    standby.addTask(second.task);
    standby.start();
    await until(() => standby.status().role === 'standby');
    expect(first.seen).toEqual({ started: 1, aborted: 0 });
    expect(second.seen.started).toBe(0);

    await leader.stop();
    expect(first.seen).toEqual({ started: 1, aborted: 1 });
    await until(() => standby.status().role === 'leader');
    await until(() => second.seen.started === 1);
    await standby.stop();
    expect(second.seen).toEqual({ started: 1, aborted: 1 });
  });

  it('stop the processors when leading ends, without waiting for a task that is slow to notice', async () => {
    let finishTask!: () => void;
    const stubborn: LeaderTask = { name: 'stubborn', run: () => new Promise<void>((resolve) => (finishTask = resolve)) };
    const runtime = new ProcessingRuntime(eventStore, readModels[0]!, [], silent, { enabled: true, leaseRetryMs: 50 });
    runtime.add({ name: 'relay', filter: { streamNamePrefixes: ['none-'] }, consume: async () => {}, loadCheckpoint: async () => undefined });
    runtime.addTask(stubborn);
    runtime.start();
    await until(() => runtime.status().role === 'leader' && runtime.status().processors[0]!.state === 'live');
    const stopping = runtime.stop();
    await until(() => runtime.status().processors[0]!.state === 'stopped');
    finishTask();
    await stopping;
  });
});

