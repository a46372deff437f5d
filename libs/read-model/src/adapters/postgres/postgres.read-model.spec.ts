import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
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
      'key_listing',
      'key_verification',
      'read_model_migration',
      'read_model_migration_lock',
    ]);
    const migrations = await query<{ name: string }>(`select name from "${schema}".read_model_migration`);
    expect(migrations.map((migration) => migration.name)).toEqual(['0001_read_model_tables']);
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
});
