/**
 * What a driver's error means for the caller, read from the few signals the drivers give: an errno
 * code (Node's sockets), a SQLSTATE (pg), a SQLite result code (better-sqlite3), or, for the pg
 * client's own timeouts that carry no code at all, the exact message. Anything else is a real error
 * (a constraint, a bug, bad SQL) and is left alone. The one place these strings are matched.
 */
export type DriverFailure = 'unavailable' | 'busy';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The disk under an embedded store is full or failing: nothing was written, and a retry may work later. */
const DISK_CODES = new Set(['ENOSPC', 'EIO']);

/** pg-pool: no client freed up within connectionTimeoutMillis (every connection is in use). */
export const PG_POOL_EXHAUSTED = 'timeout exceeded when trying to connect';

/** pg's code-less failures of the connection itself. */
const PG_CONNECTION_FAILURES = new Set([
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
]);

/** lock_not_available (a lock timeout) and too_many_connections: the server is fine, only full. */
const PG_BUSY_STATES = new Set(['55P03', '53300']);

export function classifyDriverError(error: unknown): DriverFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || PG_BUSY_STATES.has(code)) return 'busy';
    // Connection exceptions (08), insufficient resources (53), shutdown (57P0x), statement timeout (57014).
    if (NETWORK_CODES.has(code) || /^(08|53|57P0)/.test(code) || code === '57014') return 'unavailable';
    if (DISK_CODES.has(code) || code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) return 'unavailable';
    return undefined;
  }
  if (code !== undefined) return undefined;
  if (error.message === PG_POOL_EXHAUSTED) return 'busy';
  return PG_CONNECTION_FAILURES.has(error.message) ? 'unavailable' : undefined;
}

/** A port's two error classes, as each adapter's translation builds them. */
export interface PortErrors {
  /** Names the store in the logged message, e.g. "Read model". */
  store: string;
  busy: new (options?: { cause?: unknown }) => Error;
  unavailable: new (message: string, options?: { cause?: unknown }) => Error;
}

/**
 * A translator from a driver's error to the port's: busy or unavailable per classifyDriverError,
 * anything else unchanged (a constraint, a bug). One per adapter, built from its port's classes.
 */
export const driverErrorTranslator =
  ({ store, busy, unavailable }: PortErrors) =>
  (error: unknown): unknown => {
    switch (classifyDriverError(error)) {
      case 'busy':
        return new busy({ cause: error });
      case 'unavailable':
        return new unavailable(`${store} unavailable: ${(error as Error).message}`, { cause: error });
      default:
        return error;
    }
  };

/**
 * `create schema if not exists` is not safe against a concurrent create of the same schema (two
 * stores of one instance opening together): the loser fails with a unique violation on pg_namespace
 * (23505) or duplicate_schema (42P06), and the schema exists, which is all that was asked.
 */
export const ignoreConcurrentSchemaCreate = (error: unknown): void => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== '23505' && code !== '42P06') throw error;
};
