import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateBudget, RateBudgetOptions, Spent } from '../rate-budget.port.js';

/** Counters in this process: the reference semantics, and the budget of one instance. */
export class MemoryRateBudget implements RateBudget {
  private readonly limiter: RateLimiterMemory;

  constructor(options: RateBudgetOptions) {
    this.limiter = new RateLimiterMemory({ points: options.points, duration: options.windowSeconds, keyPrefix: options.name });
  }

  spend(key: string): Promise<Spent> {
    return spendFrom(this.limiter, key);
  }

  async giveBack(key: string): Promise<void> {
    const spent = await this.limiter.get(key);
    if (spent && spent.consumedPoints > 0) await this.limiter.reward(key);
  }

  async close(): Promise<void> {}
}

/** rate-limiter-flexible rejects with a RateLimiterRes when the budget is empty, and with an Error when its store fails. */
export const spendFrom = async (limiter: { consume(key: string): Promise<RateLimiterRes> }, key: string): Promise<Spent> => {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: refusal.msBeforeNext };
    throw refusal;
  }
};
