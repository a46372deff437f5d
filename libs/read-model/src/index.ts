export * from './read-model.port.js';
export * from './read-model.errors.js';
export * from './view-schema.js';
export { escapeLike, fromFlag, selectByKeys, toFlag, upsertByKey } from './view-kit/keyed-rows.js';
export { openSqliteReadModel } from './adapters/sqlite/sqlite.read-model.js';
export { openPostgresReadModel, type PostgresReadModelOptions } from './adapters/postgres/postgres.read-model.js';
export { DEFAULT_NAMED_LOCKS, type NamedLockOptions } from './adapters/postgres/advisory-lock.leases.js';
// The contract suite imports vitest, so it is reached by its own path, never from here.
