import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { API_KEY_VIEWS, ApiKeyCommandsModule } from '@keystream/api-keys';
import { DIRECTORY_VIEWS } from '@keystream/directory';

/** Every read view the apps run: the key views and the SCIM directory's. */
export const ALL_VIEWS = [...API_KEY_VIEWS, ...DIRECTORY_VIEWS];
import { type AppConfig, createLogger, loadConfig } from '@keystream/config';
import { InfrastructureModule } from '@keystream/runtime';

/**
 * The same infrastructure and command handlers as the service, without HTTP. The projections run
 * here too, so a command waits for its views even when no server is up (two instances racing on
 * the same checkpoint is safe: the compare-and-set lets one win each batch).
 */
export async function withCliContext<T>(work: (context: INestApplicationContext, config: AppConfig) => Promise<T>): Promise<T> {
  // The CLI runs the projections (its commands wait for them) but never the audit relay: the
  // service or the worker publishes, so one short-lived process never races them on Kafka. Nor the
  // leader tasks: `expiry-notices due` must change nothing (`expiry-notices pass` runs its pass itself).
  const config = { ...loadConfig(), AUDIT_SINK: 'none' as const };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  @Module({
    imports: [
      InfrastructureModule.forRoot({ config, logger, views: ALL_VIEWS, runProcessors: true, runLeaderTasks: false }),
      ApiKeyCommandsModule,
    ],
  })
  class CliModule {}
  const context = await NestFactory.createApplicationContext(CliModule, { logger: false, abortOnError: false });
  try {
    await context.init();
    return await work(context, config);
  } finally {
    await context.close();
  }
}
