import pg from 'pg';
import type { ProcessingLease } from '../../read-model.port.js';
import type { LeaseProvider } from '../kysely/lease-provider.js';

const HEARTBEAT_MS = 2_000;
const LOCK_POOL_SIZE = 4;
const LOCK_TIMEOUT_MS = 15_000;

/**
 * Leases as PostgreSQL session advisory locks, each on its own connection: the server releases the
 * lock the moment that connection dies, whether its process stopped cleanly, crashed or was killed,
 * so a standby instance takes over on its next try. A heartbeat notices a silently dead connection.
 */
export class AdvisoryLockLeases implements LeaseProvider {
  private readonly held = new Set<pg.Client>();
  private lockPool?: pg.Pool;

  /** `namespace` (the schema) keeps deployments that share one database from blocking each other. */
  constructor(
    private readonly connectionString: string,
    private readonly namespace: string,
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
   * read model's main pool (the caught-up waiter does) can never starve it. `lock_timeout` turns a
   * lock held too long elsewhere into an error instead of a hang.
   */
  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.lockPool ??= new pg.Pool({
      connectionString: this.connectionString,
      max: LOCK_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      options: `-c lock_timeout=${LOCK_TIMEOUT_MS}`,
    }).on('error', () => undefined);
    const client = await this.lockPool.connect();
    const key = `keystream:${this.namespace}:lock:${name}`;
    try {
      await client.query('select pg_advisory_lock(hashtext($1))', [key]);
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.held].map((client) => client.end().catch(() => undefined)));
    this.held.clear();
    await this.lockPool?.end().catch(() => undefined);
  }
}
