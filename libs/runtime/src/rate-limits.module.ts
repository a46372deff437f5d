import { type DynamicModule, Global, Module } from '@nestjs/common';
import { GUESSING_RATE_BUDGET, LEAK_REPORT_RATE_BUDGET, guessingBudgetOptions, leakReportBudgetOptions } from '@keystream/api-keys';
import type { AppConfig } from '@keystream/config';
import { MemoryRateBudget, PostgresRateBudget, type RateBudget } from '@keystream/rate-limits';

/**
 * Where the key verifier's guessing budget is counted: in PostgreSQL when it is configured, so that
 * every instance spends from one budget per key id (a guesser cannot multiply it by spreading
 * requests over instances); in memory otherwise. Adapter choice belongs to the composition root.
 */
export const openGuessingBudget = (config: AppConfig): Promise<RateBudget> | RateBudget =>
  config.DATABASE_URL
    ? PostgresRateBudget.open({ ...guessingBudgetOptions, connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA })
    : new MemoryRateBudget(guessingBudgetOptions);

/** The public leaked-key report's per-source budget: shared through PostgreSQL when configured, as the guessing budget is. */
export const openLeakReportBudget = (config: AppConfig): Promise<RateBudget> | RateBudget =>
  config.DATABASE_URL
    ? PostgresRateBudget.open({ ...leakReportBudgetOptions, connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA })
    : new MemoryRateBudget(leakReportBudgetOptions);

@Global()
@Module({})
export class RateLimitsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RateLimitsModule,
      providers: [
        { provide: GUESSING_RATE_BUDGET, useFactory: () => openGuessingBudget(config) },
        { provide: LEAK_REPORT_RATE_BUDGET, useFactory: () => openLeakReportBudget(config) },
      ],
      exports: [GUESSING_RATE_BUDGET, LEAK_REPORT_RATE_BUDGET],
    };
  }
}

/**
 * The management API's request limits (per client address, per tenant): counted in memory per
 * instance on purpose, since a shared store would put a round trip on every request. 0 points: off.
 */
export const openRequestBudget = (points: number, windowSeconds: number, name: string): RateBudget | undefined =>
  points > 0 ? new MemoryRateBudget({ points, windowSeconds, name }) : undefined;
