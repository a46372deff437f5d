import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** The connection's busy_timeout for everything but taking the write lock. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Kysely's SQLite dialect, except that every transaction starts with `begin immediate`.
 *
 * A deferred `begin` reads from a snapshot and only asks for the write lock at its first write. If
 * another process committed in between, that upgrade fails at once with SQLITE_BUSY_SNAPSHOT, which
 * busy_timeout does not retry. Taking the write lock at `begin` makes a transaction wait its turn
 * before it has read anything, so its reads are never stale. Every read-model transaction writes
 * (that is why it exists), so nothing is lost by locking early.
 */
export class WriteLockingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new WriteLockingSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class WriteLockingSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await beginImmediate(connection, BUSY_TIMEOUT_MS);
  }
}

/**
 * SQLite's DDL is transactional; saying so makes Kysely's Migrator run in one (write-locked)
 * transaction, which is what serialises two processes migrating the same file.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Waits for the write lock without blocking the event loop. better-sqlite3 is synchronous, so its
 * busy handler would freeze the whole process while it waits, and a second connection in the same
 * process (whose holder can then never run to commit) would always time out. So the lock is
 * attempted with busy_timeout 0 and retried here, asynchronously, with jittered back-off, for as
 * long as busy_timeout would have waited.
 */
async function beginImmediate(connection: DatabaseConnection, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  await connection.executeQuery(CompiledQuery.raw('pragma busy_timeout = 0'));
  try {
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await sleep(pause / 2 + Math.random() * pause);
      }
    }
  } finally {
    await connection.executeQuery(CompiledQuery.raw(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`));
  }
}

const isBusy = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');
