import pg from 'pg';
import { StoreBusyError, StoreUnavailableError, driverErrorTranslator, ignoreConcurrentSchemaCreate } from '@keystream/store-errors';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { RateBudget, RateBudgetOptions, Spent } from '../rate-budget.port.js';
import { spendFrom } from './memory.rate-budget.js';

export interface PostgresRateBudgetOptions extends RateBudgetOptions {
  connectionString: string;
  /** Where the counters table lives (created if missing); default: the search path. */
  schema?: string;
}

const TABLE = 'rate_budgets';

/**
 * Counters in PostgreSQL, so every instance spends from the same budget (rate-limiter-flexible's
 * PostgreSQL store: one upsert per spend). A small pool of its own keeps a burst of spends from
 * queueing behind the views' queries.
 */
export class PostgresRateBudget implements RateBudget {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly limiter: RateLimiterPostgres,
  ) {}

  static async open(options: PostgresRateBudgetOptions): Promise<PostgresRateBudget> {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: 2, allowExitOnIdle: true });
    // A server going away must not end the process: the pool only listens to idle clients, so a
    // client checked out by a spend gets a listener too. The spend itself fails and is translated.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      if (options.schema) await pool.query(`create schema if not exists "${options.schema}"`).catch(ignoreConcurrentSchemaCreate);
      const limiter = await createLimiter(pool, options);
      return new PostgresRateBudget(pool, limiter);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  spend(key: string): Promise<Spent> {
    return spendFrom(this.limiter, key).catch(translate);
  }

  async giveBack(key: string): Promise<void> {
    try {
      const spent = await this.limiter.get(key);
      if (spent && spent.consumedPoints > 0) await this.limiter.reward(key);
    } catch (error) {
      translate(error);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Nest calls this on shutdown when the budget is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

export class RateBudgetUnavailableError extends StoreUnavailableError {}
export class RateBudgetBusyError extends StoreBusyError {
  constructor(options?: { cause?: unknown }) {
    super('The rate budget store is busy', 1, options);
  }
}

const toPortError = driverErrorTranslator({ store: 'Rate budget store', busy: RateBudgetBusyError, unavailable: RateBudgetUnavailableError });

/** The driver's failures as the port's errors (503 with Retry-After at the edge); anything else as it is. */
const translate = (error: unknown): never => {
  throw toPortError(error);
};

/**
 * Two budgets starting at once (in one instance or two) may race on CREATE TABLE IF NOT EXISTS, which
 * PostgreSQL reports as 23505, 42P07 or 42710 ("type ... already exists"); the loser tries once more.
 */
const createLimiter = async (pool: pg.Pool, options: PostgresRateBudgetOptions, attempt = 1): Promise<RateLimiterPostgres> => {
  try {
    return await new Promise<RateLimiterPostgres>((resolve, reject) => {
      const limiter: RateLimiterPostgres = new RateLimiterPostgres(
        {
          storeClient: pool,
          storeType: 'pool',
          tableName: TABLE,
          schemaName: options.schema,
          points: options.points,
          duration: options.windowSeconds,
          keyPrefix: options.name,
          clearExpiredByTimeout: true,
        },
        (error?: Error) => (error ? reject(error) : resolve(limiter)),
      );
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (attempt === 1 && (code === '23505' || code === '42P07' || code === '42710')) return createLimiter(pool, options, 2);
    throw error;
  }
};
