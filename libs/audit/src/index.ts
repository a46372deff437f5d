export * from './audit-store.port.js';
export * from './audit-store.errors.js';
export * from './audit-chain.js';
export { openSqliteAuditStore } from './adapters/sqlite/sqlite.audit-store.js';
export { openPostgresAuditStore, type PostgresAuditStoreOptions } from './adapters/postgres/postgres.audit-store.js';
export * from './adapters/kafka/audit-consumer.runner.js';
export * from './cli/audit.command.js';
export { formatEntry, formatVerification } from './cli/audit-entry.format.js';
export { AuditHttpModule, type AuditHttpModuleOptions } from './http/audit-http.module.js';
export { AuditEventsController, AuditEventList, decodeCursor, encodeCursor } from './http/audit-events.controller.js';
export { AuditEventResource } from './http/audit-event.resource.js';
// The contract suite imports vitest, so it is reached by its own path, never from here.
