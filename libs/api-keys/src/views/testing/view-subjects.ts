import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type ReadModel, openPostgresReadModel, openSqliteReadModel } from '@keystream/read-model';
import { API_KEY_VIEWS } from '../index.js';
import type { ReadView } from '../view.js';

export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenedViews {
  readModel: ReadModel;
  /** Another instance over the same storage, as a second process would open it. */
  openSibling(views?: readonly ReadView[]): Promise<ReadModel>;
  teardown(): Promise<void>;
}

/**
 * A read model with the given views, on a SQLite file or a PostgreSQL schema of its own (not skipped
 * when the server is down: an unreachable database fails the tests that need it).
 */
export async function openViews(dialect: Dialect, views: readonly ReadView[] = API_KEY_VIEWS): Promise<OpenedViews> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'keystream-views-'));
    const filename = join(dir, 'read-model.db');
    const readModel = await openSqliteReadModel(filename, views);
    return {
      readModel,
      openSibling: (others = views) => openSqliteReadModel(filename, others),
      teardown: async () => {
        await readModel.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `views_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const readModel = await openPostgresReadModel({ connectionString, schema, views });
  return {
    readModel,
    openSibling: (others = views) => openPostgresReadModel({ connectionString, schema, views: others }),
    teardown: async () => {
      await readModel.close();
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** One read model for the enclosing describe. */
export function useViews(dialect: Dialect): () => ReadModel {
  let opened: OpenedViews | undefined;
  beforeAll(async () => {
    opened = await openViews(dialect);
  });
  afterAll(async () => {
    await opened?.teardown();
  });
  return () => {
    if (!opened) throw new Error('the read model under test did not open');
    return opened.readModel;
  };
}
