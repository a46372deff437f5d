// The composition root: picks adapters from configuration and wires them for Nest. Only apps/
// import this lib (the dependency check in test/architecture enforces it).
export * from './pick-adapters.js';
export * from './infrastructure.module.js';
export * from './audit-kafka.js';
export * from './rate-limits.module.js';
