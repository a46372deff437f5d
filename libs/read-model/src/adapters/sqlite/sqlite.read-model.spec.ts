import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOTES_VIEW, getNotes, putNotes } from '../../contract/notes.view.js';
import { note } from '../../contract/read-model.fixtures.js';
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
      expect(file.prepare('select name from read_model_migration').pluck().all()).toEqual(['0001_read_model_tables', '0002_view_versions']);
    } finally {
      file.close();
    }
  });


  it('migrates a view registered later beside the shared tables, and opens without it afterwards', async () => {
    await (await open()).close();
    opened.splice(0);

    const withView = await openSqliteReadModel(filename, [NOTES_VIEW]);
    opened.push(withView);
    await withView.transaction((tx) => putNotes(tx.views, [note({ id: 'n1' }), note({ id: 'n2' })]));
    await withView.close();
    opened.splice(0);
    // A process that registers no view (the relay's CLI) opens it too, without undoing anything.
    const withoutViews = await open();

    expect(await withoutViews.transaction((tx) => getNotes(tx.views, ['n1', 'n2']))).toHaveLength(2);
  });

  it("writes a transaction's view rows on the connection's raw handle, inside that transaction, and keeps it from the live views", async () => {
    const readModel = await openSqliteReadModel(filename, [NOTES_VIEW]);
    opened.push(readModel);
    const usedRawHandle: boolean[] = [];

    await readModel.transaction(async (tx) => {
      usedRawHandle.push(tx.views.sqlite !== undefined);
      await putNotes(tx.views, [note({ id: 'kept' })]);
    });
    await expect(
      readModel.transaction(async (tx) => {
        await putNotes(tx.views, [note({ id: 'rolled-back' })]);
        throw new Error('abandon the batch');
      }),
    ).rejects.toThrow('abandon the batch');

    expect(usedRawHandle).toEqual([true]);
    expect(readModel.live.sqlite).toBeUndefined();
    expect(await readModel.transaction((tx) => getNotes(tx.views, ['kept', 'rolled-back']))).toEqual([note({ id: 'kept' })]);
  });

  it('reports itself unhealthy once closed', async () => {
    const readModel = await openSqliteReadModel(filename);
    await readModel.close();

    expect(await readModel.isHealthy()).toBe(false);
  });
});
