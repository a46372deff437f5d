/**
 * A budget of points per key and fixed window: what the guessing budget (scrypt runs per key id) and
 * the management API's per-IP and per-tenant limits spend from. One port, so the same rules hold
 * whether the counters live in this process or in PostgreSQL, shared by every instance.
 */
export interface RateBudget {
  /** Spends one point of `key`'s budget for the current window, or says how long until there is one. */
  spend(key: string): Promise<Spent>;
  /**
   * Gives one point back, only into the window it was spent in: a new window starts full and must
   * not start fuller.
   */
  giveBack(key: string): Promise<void>;
  close(): Promise<void>;
}

export type Spent = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateBudgetOptions {
  /** Points per window. */
  points: number;
  windowSeconds: number;
  /** Keeps the counters of different budgets apart in a shared store. */
  name: string;
}

/** Seconds for Retry-After: whole, and at least one. */
export const retryAfterSeconds = (spent: { retryAfterMs: number }): number => Math.max(1, Math.ceil(spent.retryAfterMs / 1000));
