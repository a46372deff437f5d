export * from './directory-user.events.js';
export * from './directory-user.state.js';
export * from './directory-user.commands.js';
export * from './directory-user.decide.js';
export * from './directory-user.errors.js';
