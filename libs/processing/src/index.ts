export * from './projection.js';
export * from './batch-messages.js';
export * from './checkpointed-processor.js';
export * from './caught-up-waiter.js';
export * from './rebuild-projections.js';
export * from './versioned-rebuild.js';
export * from './processing-runtime.js';
