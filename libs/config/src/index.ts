export * from './app-config.js';
export * from './logger.js';
export * from './infrastructure.module.js';
