import { describeRateBudgetContract } from '../contract/rate-budget.contract.js';
import { MemoryRateBudget } from './memory.rate-budget.js';

describeRateBudgetContract('in memory', async (options) => new MemoryRateBudget(options), { shared: false });
