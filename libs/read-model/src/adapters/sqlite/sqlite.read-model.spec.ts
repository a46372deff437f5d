import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listingRow } from '../../contract/read-model.fixtures.js';
import type { ReadModel } from '../../read-model.port.js';
import { openSqliteReadModel } from './sqlite.read-model.js';

describe('SQLite read model', () => {
  let dir: string;
  let filename: string;
  const opened: ReadModel[] = [];
  const open = async () => {
    const readModel = await openSqliteReadModel(filename);
    opened.push(readModel);
    return readModel;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-read-model-'));
    filename = join(dir, 'read-model.db');
  });
  afterEach(async () => {
    for (const readModel of opened.splice(0)) await readModel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a fresh file once when several instances open it at the same time', async () => {
    await Promise.all([open(), open(), open()]);

    const file = new Database(filename, { readonly: true });
    try {
      expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(file.prepare('select name from read_model_migration').pluck().all()).toEqual(['0001_read_model_tables']);
    } finally {
      file.close();
    }
  });


  it('keeps shadows from opening or swapping shadows of their own', async () => {
    const shadow = await (await open()).openShadow();

    await expect(shadow.openShadow()).rejects.toThrow(/live read model/);
    await expect(shadow.swapInShadow([], () => false)).rejects.toThrow(/live read model/);
  });

  it('rejects a page size that is not a positive integer', async () => {
    const readModel = await open();

    await expect(readModel.listKeys({ tenantId: 't1', limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(readModel.listKeys({ tenantId: 't1', limit: 2.5 })).rejects.toBeInstanceOf(RangeError);
  });

  it('reports itself unhealthy once closed', async () => {
    const readModel = await openSqliteReadModel(filename);
    await readModel.close();

    expect(await readModel.isHealthy()).toBe(false);
  });
});
