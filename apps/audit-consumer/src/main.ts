import 'reflect-metadata';
import { ConfigError, createLogger } from '@keystream/config';
import { createAuditConsumer, openAuditStore } from '@keystream/runtime';
import { AuditConsumerConfigError, loadAuditConsumerConfig } from './audit-consumer.config.js';

/** The audit consumer: Kafka audit topic -> hash-chained audit table. Composition only. */
async function main(): Promise<void> {
  const config = loadAuditConsumerConfig();
  const logger = createLogger(config.logLevel).child({ component: 'audit-consumer' });
  const store = await openAuditStore(config.store);
  const runner = createAuditConsumer(store, config, logger);

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping: finishing the batch in hand, then leaving the group');
      await runner.stop();
      await store.close();
      logger.info({ ...runner.status() }, 'stopped');
    })().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await runner.start();
  logger.info({ topic: config.topic, groupId: config.groupId, store: config.store.databaseUrl ? 'postgres' : config.store.file }, 'audit consumer running');
}

main().catch((error) => {
  const badConfig = error instanceof AuditConsumerConfigError || error instanceof ConfigError;
  const message = badConfig ? error.message : `audit consumer failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(badConfig ? 2 : 1);
});
