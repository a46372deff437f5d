import pg from 'pg';
import { ReadModelBusyError } from '../../read-model.errors.js';
import { translateReadModelError } from '../read-model.error-translation.js';
import type { ProcessingLease } from '../../read-model.port.js';
import type { LeaseProvider } from '../kysely/lease-provider.js';

const HEARTBEAT_MS = 2_000;

export interface NamedLockOptions {
  /** Each create holds one lock connection while it appends and waits for the views. */
  poolSize: number;
  /** How long to wait for a free lock connection before answering busy. */
  connectTimeoutMs: number;
  /**
   * How long to wait for a lock another instance holds before answering busy. A create holds its
   * owner's lock through two waits for the views, so this should exceed twice that timeout.
   */
  lockTimeoutMs: number;
  /**
   * Told when a lock's connection failed while its work ran: the server had already let the lock go,
   * so another instance may have run the same owner's work alongside.
   */
  onLockLost?: (name: string, error: unknown) => void;
}

export const DEFAULT_NAMED_LOCKS: NamedLockOptions = { poolSize: 16, connectTimeoutMs: 5_000, lockTimeoutMs: 15_000 };

/**
 * Leases as PostgreSQL session advisory locks, each on its own connection: the server releases the
 * lock the moment that connection dies, whether its process stopped cleanly, crashed or was killed,
 * so a standby instance takes over on its next try. A heartbeat notices a silently dead connection.
 */
export class AdvisoryLockLeases implements LeaseProvider {
  private readonly held = new Set<pg.Client>();
  private lockPool?: pg.Pool;
  private closed = false;

  /** `namespace` (the schema) keeps deployments that share one database from blocking each other. */
  constructor(
    private readonly connectionString: string,
    private readonly namespace: string,
    private readonly namedLocks: NamedLockOptions = DEFAULT_NAMED_LOCKS,
  ) {}

  async tryAcquire(name: string): Promise<ProcessingLease | undefined> {
    // keepAlive and a query timeout: a half-open connection must fail the heartbeat, not hang it,
    // or this holder would go on while the server has already let another take the lock.
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: 5_000,
      query_timeout: HEARTBEAT_MS * 2,
      keepAlive: true,
    });
    client.on('error', () => undefined);
    let acquired = false;
    try {
      await client.connect();
      const { rows } = await client.query<{ acquired: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as acquired',
        [`keystream:${this.namespace}:${name}`],
      );
      acquired = rows[0]?.acquired === true;
    } finally {
      if (!acquired) await client.end().catch(() => undefined);
    }
    if (!acquired) return undefined;
    this.held.add(client);
    let release!: () => Promise<void>;
    const lost = new Promise<void>((resolve) => {
      let beating = false;
      const heartbeat = setInterval(() => {
        if (beating) return;
        beating = true;
        client
          .query('select 1')
          .catch(() => drop())
          .finally(() => (beating = false));
      }, HEARTBEAT_MS);
      const drop = () => {
        clearInterval(heartbeat);
        this.held.delete(client);
        resolve();
      };
      client.once('end', drop);
      client.once('error', drop);
      release = async () => {
        drop();
        await client.end().catch(() => undefined);
      };
    });
    return { lost, release: () => release() };
  }

  /**
   * A session advisory lock on a connection of a small pool of its own, so work that waits on the
   * read model's main pool (the caught-up waiter does) can never starve it. A lock held elsewhere
   * past the lock timeout, or no free lock connection, refuses the work before it starts (503).
   */
  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadModelBusyError();
    const client = await this.locks()
      .connect()
      .catch((error: unknown) => {
        // "Every lock connection is taken" is busy; an unreachable server is an outage (logged as one).
        throw translateReadModelError(error);
      });
    // A checked-out client that loses its connection emits 'error'; unheard, it would end the process.
    // The query in progress fails on its own, which is where it is handled.
    client.on('error', ignoreConnectionError);
    const key = `keystream:${this.namespace}:lock:${name}`;
    try {
      await client.query('select pg_advisory_lock(hashtext($1))', [key]);
    } catch (error) {
      const translated = translateReadModelError(error);
      // A lock wait that timed out (busy) leaves a healthy connection; anything else discards it.
      giveBack(client, translated instanceof ReadModelBusyError ? undefined : error);
      throw translated;
    }
    let result: T;
    try {
      result = await work();
    } finally {
      await this.unlock(client, key, name);
    }
    return result;
  }

  /**
   * The work is done by now (a key may have been created, its value about to be shown once), so a
   * failed unlock must not turn it into an error: the connection is discarded instead, and the
   * server drops the lock with the session.
   */
  private async unlock(client: pg.PoolClient, key: string, name: string): Promise<void> {
    try {
      await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
      giveBack(client);
    } catch (error) {
      giveBack(client, error);
      this.namedLocks.onLockLost?.(name, error);
    }
  }

  /**
   * `lock_timeout` is set on each new session, and the connection is handed out only once it is set,
   * rather than through the connection's `options`, which an `?options=` in DATABASE_URL would replace.
   */
  private locks(): pg.Pool {
    if (!this.lockPool) {
      const { poolSize, connectTimeoutMs, lockTimeoutMs } = this.namedLocks;
      this.lockPool = new pg.Pool({
        connectionString: this.connectionString,
        max: poolSize,
        connectionTimeoutMillis: connectTimeoutMs,
        keepAlive: true,
        onConnect: async (client) => {
          await client.query(`set lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
        },
      });
      this.lockPool.on('error', () => undefined);
      // From the first moment, not only once withLock has it: onConnect's query runs before that.
      this.lockPool.on('connect', (client) => client.on('error', ignoreConnectionError));
    }
    return this.lockPool;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.held].map((client) => client.end().catch(() => undefined)));
    this.held.clear();
    await this.lockPool?.end().catch(() => undefined);
  }
}

const ignoreConnectionError = (): void => undefined;

/** Back to the pool; with an error, the pool discards the connection instead of reusing it. */
const giveBack = (client: pg.PoolClient, error?: unknown): void => {
  client.removeListener('error', ignoreConnectionError);
  client.release(error === undefined ? undefined : error instanceof Error ? error : new Error(String(error)));
};
