export * from './api-key.events.js';
export * from './api-key.commands.js';
export * from './api-key.state.js';
export * from './api-key.decide.js';
export * from './api-key.errors.js';
export * from './caller.js';
export * from './expiry.js';
export * from './visibility.js';
