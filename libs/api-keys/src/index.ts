export * from './domain/index.js';
export * from './views/index.js';
export * from './api-keys.module.js';
export * from './application/application.errors.js';
export { GUESSING_BUDGET, GUESSING_RATE_BUDGET, KeyVerifier, guessingBudgetOptions } from './application/key-verifier.js';
export { CreateKeyCommand } from './commands/create-key/create-key.command.js';
export { createValidationPipe } from './http/validation.js';
export { toEventToAppend, type EnvelopeContext } from './application/event-envelope.js';
export * from './application/api-key-event.codec.js';
