export * from './store.errors.js';
export * from './driver-errors.js';
export * from './error-translating.dialect.js';
