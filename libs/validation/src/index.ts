export * from './rfc3339.js';
