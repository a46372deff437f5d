import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { AuditStoreBusyError } from '../../audit-store.errors.js';

const WAIT_MS = 5000;

/**
 * `begin immediate` (take the write lock before reading the chain's head, so the head cannot go
 * stale), waiting for another connection's lock without blocking the event loop: better-sqlite3's
 * busy handler waits synchronously, which would freeze the process, and would always time out when
 * the lock holder is another connection in this same process. So the lock is tried with
 * busy_timeout 0 and retried here with jittered back-off. (The read model's SQLite dialect does the
 * same; see WriteLockingSqliteDialect in libs/read-model.)
 */
export async function beginImmediate(connection: Kysely<any>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  await sql.raw('pragma busy_timeout = 0').execute(connection);
  try {
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        await sql.raw('begin immediate').execute(connection);
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await sleep(pause / 2 + Math.random() * pause);
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${WAIT_MS}`).execute(connection);
  }
}

/** The store's dialect has already turned SQLITE_BUSY into the port's busy error. */
const isBusy = (error: unknown): boolean => error instanceof AuditStoreBusyError;
