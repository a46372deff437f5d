import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CLOCK, SystemClock } from '@keystream/clock';
import { EVENT_STORE, EsdbEventStore, type EventStore, SqliteEventStore } from '@keystream/event-store';
import { CaughtUpWaiter, type Projection, ProcessingRuntime } from '@keystream/processing';
import { CHECKPOINTS, DEFAULT_NAMED_LOCKS, NAMED_LOCKS, READ_MODEL, type ReadModel, type ViewSchema, openPostgresReadModel, openSqliteReadModel } from '@keystream/read-model';
import { ID_GENERATOR, RandomIdGenerator, SECRET_HASHER, ScryptSecretHasher } from '@keystream/secrets';
import { AUDIT_PUBLISHER, type AuditPublisher, KafkaAuditPublisher, auditRelay, parseBrokers } from '@keystream/audit-bus';
import { APP_CONFIG, type AppConfig } from './app-config.js';

export const LOGGER = Symbol('LOGGER');

/** The one place that picks adapters: embedded SQLite by default, EventStoreDB / PostgreSQL by config. */
export const openEventStore = async (config: AppConfig): Promise<EventStore> => {
  if (config.EVENT_STORE === 'esdb') {
    return new EsdbEventStore(config.ESDB_CONNECTION_STRING!);
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

/**
 * Where the audit consumer keeps the trail, and where the API and CLI read it: PostgreSQL when
 * DATABASE_URL is set, else a SQLite file (whose folder is created here).
 */
export const auditStoreLocation = (config: AppConfig): { databaseUrl?: string; schema?: string; file: string } => {
  const file = config.AUDIT_DB_FILE ?? join(config.DATA_DIR, 'audit.sqlite');
  if (!config.DATABASE_URL) mkdirSync(dirname(file), { recursive: true });
  return { databaseUrl: config.DATABASE_URL, schema: config.AUDIT_DB_SCHEMA, file };
};

/** The audit bus when AUDIT_SINK=kafka; otherwise nothing is published and no relay runs. */
export const openAuditPublisher = (config: AppConfig, logger: Logger): AuditPublisher | undefined =>
  config.AUDIT_SINK === 'kafka'
    ? new KafkaAuditPublisher({ brokers: parseBrokers(config.KAFKA_BROKERS!), topic: config.KAFKA_AUDIT_TOPIC, logger: logger.child({ component: 'audit-bus' }) })
    : undefined;

/**
 * Shutdown order: Nest closes the HTTP server (letting in-flight requests finish, and commands
 * among them still wait for the projections), then runs the shutdown hooks. Only here do the
 * processors stop, and the stores close after them.
 */
class OrderlyShutdown implements OnApplicationShutdown {
  constructor(
    private readonly processing: ProcessingRuntime,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(AUDIT_PUBLISHER) private readonly auditPublisher: AuditPublisher | null,
  ) {}
  async onApplicationShutdown() {
    await this.processing.stop();
    await Promise.all([this.eventStore.close(), this.readModel.close(), this.auditPublisher?.close()]);
  }
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(options: { config: AppConfig; logger: Logger; views: readonly (Projection & ViewSchema)[]; runProcessors: boolean }): DynamicModule {
    const { config, logger, views, runProcessors } = options;
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: READ_MODEL, useFactory: () => openReadModel(config, logger, views) },
        { provide: CHECKPOINTS, useExisting: READ_MODEL },
        { provide: NAMED_LOCKS, useExisting: READ_MODEL },
        { provide: SECRET_HASHER, useValue: new ScryptSecretHasher() },
        { provide: CLOCK, useValue: new SystemClock() },
        { provide: ID_GENERATOR, useValue: new RandomIdGenerator() },
        // null with AUDIT_SINK=none: nothing is published and no relay runs.
        { provide: AUDIT_PUBLISHER, useFactory: () => openAuditPublisher(config, logger) ?? null },
        {
          provide: ProcessingRuntime,
          inject: [EVENT_STORE, READ_MODEL, AUDIT_PUBLISHER],
          useFactory: (eventStore: EventStore, readModel: ReadModel, auditPublisher: AuditPublisher | null) => {
            const runtime = new ProcessingRuntime(eventStore, readModel, views, logger.child({ component: 'processing' }), {
              enabled: runProcessors,
            });
            if (auditPublisher) runtime.add(auditRelay(auditPublisher, readModel));
            return runtime;
          },
        },
        { provide: CaughtUpWaiter, inject: [ProcessingRuntime], useFactory: (runtime: ProcessingRuntime) => runtime.waiter },
        OrderlyShutdown,
      ],
      exports: [APP_CONFIG, LOGGER, EVENT_STORE, READ_MODEL, CHECKPOINTS, NAMED_LOCKS, SECRET_HASHER, CLOCK, ID_GENERATOR, AUDIT_PUBLISHER, ProcessingRuntime, CaughtUpWaiter],
    };
  }
}
