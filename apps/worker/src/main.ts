import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { API_KEY_VIEWS } from '@keystream/api-keys';
import { ConfigError, PinoNestLogger, createLogger, loadConfig } from '@keystream/config';
import { DIRECTORY_VIEWS, DirectoryProcessingModule } from '@keystream/directory';
import { InfrastructureModule } from '@keystream/runtime';

/** Runs the processors (projections) without serving HTTP, for deployments that split the roles. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  @Module({ imports: [InfrastructureModule.forRoot({ config, logger, views: [...API_KEY_VIEWS, ...DIRECTORY_VIEWS], runProcessors: true }), DirectoryProcessingModule] })
  class WorkerModule {}
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new PinoNestLogger(logger), abortOnError: false });
  app.enableShutdownHooks();
  await app.init();
  logger.info({ eventStore: config.EVENT_STORE, readModel: config.READ_MODEL }, 'Keystream worker running');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Keystream worker failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
