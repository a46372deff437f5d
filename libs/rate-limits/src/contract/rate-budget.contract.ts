import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateBudget, RateBudgetOptions } from '../rate-budget.port.js';

export type OpenRateBudget = (options: RateBudgetOptions) => Promise<RateBudget>;

/**
 * What every RateBudget adapter must do, with `share: true` for stores that two instances share:
 * then a second budget opened on the same store spends from the same counters.
 */
export function describeRateBudgetContract(name: string, open: OpenRateBudget, options: { shared: boolean }): void {
  describe(`RateBudget contract: ${name}`, () => {
    const opened: RateBudget[] = [];
    const budget = async (points: number, windowSeconds = 60, budgetName = `contract_${randomBytes(4).toString('hex')}`) => {
      const made = await open({ points, windowSeconds, name: budgetName });
      opened.push(made);
      return made;
    };
    afterAll(async () => {
      await Promise.all(opened.map((b) => b.close()));
    });

    it('allows exactly `points` spends per key and window, then refuses with the time left', async () => {
      const b = await budget(3, 60);
      for (let i = 0; i < 3; i++) expect(await b.spend('k')).toEqual({ allowed: true });
      const refused = await b.spend('k');
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(50_000);
      // Another key has its own budget.
      expect(await b.spend('other')).toEqual({ allowed: true });
    });

    it('a concurrent burst cannot overshoot', async () => {
      const b = await budget(5, 60);
      const results = await Promise.all(Array.from({ length: 20 }, () => b.spend('burst')));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
    });

    it('a point given back can be spent again, but never above the window’s budget', async () => {
      const b = await budget(2, 60);
      await b.giveBack('fresh');
      expect(await b.spend('fresh')).toEqual({ allowed: true });
      expect(await b.spend('fresh')).toEqual({ allowed: true });
      expect((await b.spend('fresh')).allowed).toBe(false);
      const again = await budget(2, 60);
      await again.spend('k');
      await again.spend('k');
      await again.giveBack('k');
      expect(await again.spend('k')).toEqual({ allowed: true });
      expect((await again.spend('k')).allowed).toBe(false);
    });

    it('a new window starts full', async () => {
      const b = await budget(1, 1);
      expect(await b.spend('k')).toEqual({ allowed: true });
      const refused = await b.spend('k');
      expect(refused.allowed).toBe(false);
      // Waits for the window the store reported, not a guess.
      if (!refused.allowed) await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 50));
      expect(await b.spend('k')).toEqual({ allowed: true });
    });

    if (options.shared) {
      it('two budgets on the same store (two instances) spend from the same counters', async () => {
        const shared = `contract_${randomBytes(4).toString('hex')}`;
        const [one, two] = [await budget(4, 60, shared), await budget(4, 60, shared)];
        const results = await Promise.all([...Array.from({ length: 5 }, () => one.spend('k')), ...Array.from({ length: 5 }, () => two.spend('k'))]);
        expect(results.filter((r) => r.allowed)).toHaveLength(4);
      });
    }
  });
}
