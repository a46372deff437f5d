export * from './rate-budget.port.js';
export { MemoryRateBudget } from './adapters/memory.rate-budget.js';
export { PostgresRateBudget, type PostgresRateBudgetOptions } from './adapters/postgres.rate-budget.js';
