export * from './tenant-policy.events.js';
export * from './tenant-policy.commands.js';
export * from './tenant-policy.state.js';
export * from './tenant-policy.decide.js';
export * from './tenant-policy.errors.js';
