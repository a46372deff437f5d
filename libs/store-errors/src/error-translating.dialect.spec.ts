import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyDriverError } from './driver-errors.js';
import { translatingErrors } from './error-translating.dialect.js';
import { StoreBusyError } from './store.errors.js';

class FileBusy extends StoreBusyError {}

describe('translatingErrors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'translating-dialect-'));
  const file = join(dir, 'db.sqlite');
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('throws the translated error for a driver failure, in a query and in a transaction, and leaves other errors alone', async () => {
    const holder = new Database(file);
    holder.exec('create table t (x integer)');
    const waiter = new Database(file);
    waiter.pragma('busy_timeout = 0');
    const db = new Kysely<any>({
      dialect: translatingErrors(new SqliteDialect({ database: waiter }), (error) => (classifyDriverError(error) === 'busy' ? new FileBusy('busy', 1, { cause: error }) : error)),
    });
    try {
      holder.exec('begin immediate');
      await expect(sql`insert into t values (1)`.execute(db)).rejects.toBeInstanceOf(FileBusy);
      await expect(db.transaction().execute((trx) => sql`insert into t values (1)`.execute(trx))).rejects.toBeInstanceOf(FileBusy);
      holder.exec('rollback');
      await sql`insert into t values (1)`.execute(db);
      const error = await sql`select * from missing`.execute(db).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(FileBusy);
      expect((error as Error).message).toContain('no such table');
    } finally {
      await db.destroy();
      holder.close();
    }
  });
});
