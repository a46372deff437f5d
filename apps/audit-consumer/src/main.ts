import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuditConsumerRunner, openAuditStore } from '@keystream/audit';
import { createLogger } from '@keystream/config';
import { AuditConsumerConfigError, loadAuditConsumerConfig } from './audit-consumer.config.js';

/** The audit consumer: Kafka audit topic -> hash-chained audit table. Composition only. */
async function main(): Promise<void> {
  const config = loadAuditConsumerConfig();
  const logger = createLogger(config.logLevel).child({ component: 'audit-consumer' });
  if (!config.store.databaseUrl) mkdirSync(dirname(config.store.file), { recursive: true });
  const store = await openAuditStore(config.store);
  const runner = new AuditConsumerRunner(store, { brokers: config.brokers, topic: config.topic, groupId: config.groupId, logger });

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
  const message = error instanceof AuditConsumerConfigError ? error.message : `audit consumer failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof AuditConsumerConfigError ? 2 : 1);
});
