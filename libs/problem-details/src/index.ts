export * from './problem-codes.js';
export * from './to-problem.js';
export * from './problem-details.filter.js';
export * from './api-errors.decorator.js';
