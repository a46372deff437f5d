import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadModelBusyError, ReadModelUnavailableError } from '../../read-model.errors.js';
import type { ReadModel } from '../../read-model.port.js';
import { AdvisoryLockLeases } from './advisory-lock.leases.js';
import { openPostgresReadModel } from './postgres.read-model.js';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Takes a named lock and keeps it until `release()`; resolves once the lock is held. */
async function holdLock(readModel: ReadModel, name: string): Promise<{ release: () => void; holding: Promise<void> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const holding = readModel.withLock(name, async () => {
    entered();
    await held;
  });
  await inside;
  return { release, holding };
}

describe('PostgreSQL read model', () => {
  const schema = `read_model_test_${randomUUID().slice(0, 8)}_setup`;
  afterAll(async () => {
    await query(`drop schema if exists "${schema}" cascade`);
  });

  it('creates its schema and migrates it once when several instances open it at the same time', async () => {
    const instances = await Promise.all([1, 2, 3].map(() => openPostgresReadModel({ connectionString, schema })));
    await Promise.all(instances.map((instance) => instance.close()));

    const tables = await query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    expect(tables.map((table) => table.table_name)).toEqual([
      'checkpoints',
      'read_model_migration',
      'read_model_migration_lock',
      'view_versions',
    ]);
    const migrations = await query<{ name: string }>(`select name from "${schema}".read_model_migration order by name`);
    expect(migrations.map((migration) => migration.name)).toEqual(['0001_read_model_tables', '0002_view_versions']);
  });

  it('fails to open, rather than hang, when the server cannot be reached', async () => {
    const unreachable = new URL(connectionString);
    unreachable.port = '1';

    await expect(openPostgresReadModel({ connectionString: unreachable.toString() })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('grants a named lock to one instance at a time, and only one instance the processing lease', async () => {
    const [first, second] = await Promise.all([1, 2].map(() => openPostgresReadModel({ connectionString, schema })));
    try {
      const timeline: string[] = [];
      const hold = (who: string) => async () => {
        timeline.push(`${who} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        timeline.push(`${who} out`);
      };
      await Promise.all([first!.withLock('owner:t/u', hold('first')), second!.withLock('owner:t/u', hold('second'))]);
      expect([timeline.slice(0, 2), timeline.slice(2)].map((pair) => pair.map((entry) => entry.split(' ')[1]))).toEqual([
        ['in', 'out'],
        ['in', 'out'],
      ]);

      const lease = await first!.tryAcquireLease('processors');
      expect(lease).toBeDefined();
      expect(await second!.tryAcquireLease('processors')).toBeUndefined();
      await lease!.release();
      const taken = await second!.tryAcquireLease('processors');
      expect(taken).toBeDefined();
      await taken!.release();
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('returns the finished work even when its lock connection dies before the unlock, frees the lock, and says so', async () => {
    const lost: string[] = [];
    const readModel = await openPostgresReadModel({
      connectionString,
      schema,
      namedLocks: { poolSize: 2, connectTimeoutMs: 1_000, lockTimeoutMs: 1_000, onLockLost: (name) => lost.push(name) },
    });
    try {
      const result = await readModel.withLock('owner:t/dies', async () => {
        // Another session ends the lock connection while the work runs, as a failover or an admin would.
        const ended = await query(`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid()
                     and objid::int = hashtext($1)`, [`keystream:${schema}:lock:owner:t/dies`]);
        expect(ended).toHaveLength(1);
        return 'created';
      });
      expect(result).toBe('created');
      expect(lost).toEqual(['owner:t/dies']);
      expect(await readModel.withLock('owner:t/dies', async () => 'again')).toBe('again');
    } finally {
      await readModel.close();
    }
  });

  it('answers busy, without running the work, when another instance holds the lock past the lock timeout', async () => {
    const holder = await openPostgresReadModel({ connectionString, schema });
    const waiter = await openPostgresReadModel({ connectionString, schema, namedLocks: { poolSize: 2, connectTimeoutMs: 1_000, lockTimeoutMs: 200 } });
    try {
      const { release, holding } = await holdLock(holder, 'owner:t/slow');
      let ran = false;
      await expect(waiter.withLock('owner:t/slow', async () => (ran = true))).rejects.toBeInstanceOf(ReadModelBusyError);
      expect(ran).toBe(false);
      release();
      await holding;
      expect(await waiter.withLock('owner:t/slow', async () => 'after')).toBe('after');
    } finally {
      await Promise.all([holder.close(), waiter.close()]);
    }
  });

  it('answers busy when every lock connection is taken, and after it is closed', async () => {
    const readModel = await openPostgresReadModel({ connectionString, schema, namedLocks: { poolSize: 1, connectTimeoutMs: 200, lockTimeoutMs: 1_000 } });
    const { release, holding } = await holdLock(readModel, 'owner:t/a');
    await expect(readModel.withLock('owner:t/b', async () => 'b')).rejects.toBeInstanceOf(ReadModelBusyError);
    release();
    await holding;
    expect(await readModel.withLock('owner:t/b', async () => 'b')).toBe('b');
    await readModel.close();
    await expect(readModel.withLock('owner:t/b', async () => 'b')).rejects.toBeInstanceOf(ReadModelBusyError);
  });

  it('reports an unreachable lock server as the outage it is, not as busy', async () => {
    const unreachable = new URL(connectionString);
    unreachable.port = '1';
    const leases = new AdvisoryLockLeases(unreachable.toString(), schema);
    try {
      const failure = await leases.withLock('owner:t/x', async () => 'never').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ReadModelUnavailableError);
      expect(((failure as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    } finally {
      await leases.close();
    }
  });
});
