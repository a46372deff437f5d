export * from './clock.port.js';
