import 'reflect-metadata';
import { ConfigError, createLogger, loadConfig } from '@keystream/config';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const app = await createApp(config, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ port: config.PORT, eventStore: config.EVENT_STORE, readModel: config.READ_MODEL }, 'Keystream listening');
}

main().catch((error) => {
  process.stderr.write(`Keystream failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
