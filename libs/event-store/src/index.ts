export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './global-position.js';
export { InMemoryEventStore } from './adapters/in-memory/in-memory.event-store.js';
export { SqliteEventStore } from './adapters/sqlite/sqlite.event-store.js';
export { EsdbEventStore } from './adapters/esdb/esdb.event-store.js';
export * from './decide-and-append.js';
