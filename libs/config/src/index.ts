// A leaf: settings, their parsing and tokens, and the logger factory. It imports no adapter and no
// other @keystream lib; adapters are picked in libs/runtime.
export * from './app-config.js';
export * from './settings.tokens.js';
export * from './logger.js';
