import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { type AuditStore, openPostgresAuditStore, openSqliteAuditStore } from '@keystream/audit';
import { type AuditPublisher, KafkaAuditPublisher, parseBrokers } from '@keystream/audit-bus';
import type { AppConfig } from '@keystream/config';
import { EsdbEventStore, type EventStore, SqliteEventStore } from '@keystream/event-store';
import { DEFAULT_NAMED_LOCKS, type ReadModel, type ViewSchema, openPostgresReadModel, openSqliteReadModel } from '@keystream/read-model';

/**
 * The one place that picks adapters from configuration: embedded SQLite by default, EventStoreDB,
 * PostgreSQL and Kafka when configured. Only the apps (through this lib) call it.
 */
export const openEventStore = async (config: AppConfig): Promise<EventStore> => {
  if (config.EVENT_STORE === 'esdb') {
    // Probes the server once: wrong credentials or TLS settings fail start-up with what to fix.
    return EsdbEventStore.open(config.ESDB_CONNECTION_STRING!);
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  return new SqliteEventStore(join(config.DATA_DIR, 'events.db'));
};

/** `views`: the view registry, whose tables are migrated on open; none for a process that only needs checkpoints. */
export const openReadModel = async (config: AppConfig, logger?: Logger, views: readonly ViewSchema[] = []): Promise<ReadModel> => {
  if (config.READ_MODEL === 'postgres') {
    // A create holds its owner's lock through up to two waits for the views; a create for the same
    // owner on another instance should outwait that rather than answer busy.
    const lockTimeoutMs = Math.max(DEFAULT_NAMED_LOCKS.lockTimeoutMs, 2 * config.CONSISTENCY_TIMEOUT_MS + 5_000);
    return openPostgresReadModel({
      connectionString: config.DATABASE_URL!,
      schema: config.DATABASE_SCHEMA,
      views,
      namedLocks: {
        ...DEFAULT_NAMED_LOCKS,
        lockTimeoutMs,
        onLockLost: (name, error) =>
          logger?.warn({ lock: name, err: error }, 'A named lock was lost while its work ran; the work may have overlapped with another instance'),
      },
    });
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  return openSqliteReadModel(join(config.DATA_DIR, 'read-model.db'), views);
};

/** The Kafka bootstrap addresses, `[]` when KAFKA_BROKERS is unset. */
export const kafkaBrokers = (config: AppConfig): string[] => parseBrokers(config.KAFKA_BROKERS ?? '');

/** The audit bus when AUDIT_SINK=kafka; otherwise nothing is published and no relay runs. */
export const openAuditPublisher = (config: AppConfig, logger: Logger): AuditPublisher | undefined =>
  config.AUDIT_SINK === 'kafka'
    ? new KafkaAuditPublisher({ brokers: kafkaBrokers(config), topic: config.KAFKA_AUDIT_TOPIC, logger: logger.child({ component: 'audit-bus' }) })
    : undefined;

export interface AuditStoreLocation {
  /** PostgreSQL when set (DATABASE_URL); otherwise the SQLite file. */
  databaseUrl?: string;
  /** PostgreSQL schema for the audit table (AUDIT_DB_SCHEMA); the connection's default when unset. */
  schema?: string;
  /** SQLite file (AUDIT_DB_FILE, default `<DATA_DIR>/audit.sqlite`). */
  file: string;
}

/**
 * Where the audit consumer keeps the trail, and where the API and CLI read it: PostgreSQL when
 * DATABASE_URL is set, else a SQLite file.
 */
export const auditStoreLocation = (config: AppConfig): AuditStoreLocation => ({
  databaseUrl: config.DATABASE_URL,
  schema: config.AUDIT_DB_SCHEMA,
  file: config.AUDIT_DB_FILE ?? join(config.DATA_DIR, 'audit.sqlite'),
});

/** Opens the audit store at a location (creating the SQLite file's folder), for the consumer, the API and the CLI. */
export const openAuditStore = ({ databaseUrl, schema, file }: AuditStoreLocation): Promise<AuditStore> => {
  if (databaseUrl) return openPostgresAuditStore({ connectionString: databaseUrl, schema });
  mkdirSync(dirname(file), { recursive: true });
  return openSqliteAuditStore(file);
};
