import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CLOCK, type Clock, SystemClock } from '@keystream/clock';
import { ExpiryNoticeProcessor, expiryNoticeQueries } from '@keystream/api-keys';
import { AUDIT_PUBLISHER, type AuditPublisher, auditRelay } from '@keystream/audit-bus';
import { decodeRelayedEvent } from '@keystream/directory';
import { type AppConfig, CONSISTENCY_TIMEOUT_MS, KEY_CACHE_TTL_SECONDS, KEY_POLICY, type KeyPolicy, LOGGER } from '@keystream/config';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { CaughtUpWaiter, type Projection, ProcessingRuntime } from '@keystream/processing';
import { CHECKPOINTS, NAMED_LOCKS, READ_MODEL, type ReadModel, type ViewSchema } from '@keystream/read-model';
import { ID_GENERATOR, RandomIdGenerator, SECRET_HASHER, ScryptSecretHasher } from '@keystream/secrets';
import { openAuditPublisher, openEventStore, openReadModel } from './pick-adapters.js';

const keyPolicy = (config: AppConfig): KeyPolicy => ({ maxKeysPerUser: config.MAX_KEYS_PER_USER, maxLifetimeDays: config.MAX_KEY_LIFETIME_DAYS });

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

/** The adapters picked from configuration, the settings tokens and the processing runtime, for every module of an app. */
@Global()
@Module({})
export class InfrastructureModule {
  /**
   * `runLeaderTasks: false` (default true): the lease holder runs the processors but not the
   * time-driven tasks (the expiry-notice pass), for a short-lived process such as the CLI, where
   * every invocation may lead and must not record notices as a side effect of another command.
   */
  static forRoot(options: { config: AppConfig; logger: Logger; views: readonly (Projection & ViewSchema)[]; runProcessors: boolean; runLeaderTasks?: boolean }): DynamicModule {
    const { config, logger, views, runProcessors, runLeaderTasks = true } = options;
    return {
      module: InfrastructureModule,
      providers: [
        { provide: LOGGER, useValue: logger },
        // Each consumer asks for the settings it reads, never the whole AppConfig.
        { provide: KEY_POLICY, useValue: keyPolicy(config) },
        { provide: CONSISTENCY_TIMEOUT_MS, useValue: config.CONSISTENCY_TIMEOUT_MS },
        { provide: KEY_CACHE_TTL_SECONDS, useValue: config.KEY_CACHE_TTL_SECONDS },
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
          inject: [EVENT_STORE, READ_MODEL, AUDIT_PUBLISHER, CLOCK],
          useFactory: (eventStore: EventStore, readModel: ReadModel, auditPublisher: AuditPublisher | null, clock: Clock) => {
            const runtime = new ProcessingRuntime(eventStore, readModel, views, logger.child({ component: 'processing' }), {
              enabled: runProcessors,
            });
            // The relay decodes with the api-keys and directory codecs, handed in here so audit-bus never loads either.
            if (auditPublisher) runtime.add(auditRelay(auditPublisher, readModel, decodeRelayedEvent));
            if (runLeaderTasks) runtime.addTask(new ExpiryNoticeProcessor(eventStore, expiryNoticeQueries(readModel.live), clock, logger.child({ component: 'expiry-notices' })));
            return runtime;
          },
        },
        { provide: CaughtUpWaiter, inject: [ProcessingRuntime], useFactory: (runtime: ProcessingRuntime) => runtime.waiter },
        OrderlyShutdown,
      ],
      exports: [LOGGER, KEY_POLICY, CONSISTENCY_TIMEOUT_MS, KEY_CACHE_TTL_SECONDS, EVENT_STORE, READ_MODEL, CHECKPOINTS, NAMED_LOCKS, SECRET_HASHER, CLOCK, ID_GENERATOR, AUDIT_PUBLISHER, ProcessingRuntime, CaughtUpWaiter],
    };
  }
}
