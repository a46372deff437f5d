export * from './authenticated-caller.js';
export * from './tenancy.errors.js';
export * from './api-key-authenticator.port.js';
export * from './jwt-verifier.js';
export * from './auth.guard.js';
export * from './current-caller.decorator.js';
export * from './forward-auth.controller.js';
export * from './forward-auth.route.js';
