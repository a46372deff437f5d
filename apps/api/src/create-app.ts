import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { type AppConfig, PinoNestLogger } from '@keystream/config';
import { openRequestBudget } from '@keystream/runtime';
import { ForwardAuthController, installForwardAuthRoute } from '@keystream/tenancy';
import { AppModule } from './app.module.js';
import { edgeServerOptions, installEdge } from './edge/install-edge.js';
import { serveConsole } from './console/serve-console.js';
import { treatEmptyBodiesAsAbsent } from './http/empty-body.hook.js';
import { RouteLatencyMetrics } from './metrics/route-latency.metrics.js';

/** Bodies over this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP app (used by main.ts and by the end-to-end tests). */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const edgeLogger = logger.child({ component: 'edge' });
  const adapter = new FastifyAdapter({
    ...edgeServerOptions({ error: (message) => edgeLogger.error(message), warn: (message) => edgeLogger.warn(message) }),
    trustProxy: trustProxy(config.TRUST_PROXY),
    bodyLimit: BODY_LIMIT_BYTES,
    loggerInstance: logger.child({ component: 'http' }),
    requestIdHeader: false,
    // Request ids become events' correlation ids, so they must be unique across restarts and instances.
    genReqId: () => randomUUID(),
  });
  // Before Nest adds its routes, so the edge sees every route and runs ahead of guards and pipes.
  installEdge(adapter.getInstance(), { perIp: openRequestBudget(config.RATE_LIMIT_PER_IP, config.RATE_LIMIT_WINDOW_SECONDS, 'ip') });
  treatEmptyBodiesAsAbsent(adapter.getInstance());
  // A route may raise its own body limit (@RouteConfig({ bodyLimitBytes })): the leaked-key report's 1,000 values.
  adapter.getInstance().addHook('onRoute', (route) => {
    const limit = (route.config as { bodyLimitBytes?: unknown } | undefined)?.bodyLimitBytes;
    if (typeof limit === 'number') route.bodyLimit = limit;
  });
  await serveConsole(adapter.getInstance(), config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: true,
    // A start-up failure (a store unreachable, a migration refused) rejects with its error, which
    // main.ts prints before exiting 1 and a test reports; Nest's default would abort the process
    // without printing it when logs are buffered.
    abortOnError: false,
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Keystream')
      .setDescription('Palette-compatible API key management. Authenticate with an `apiKey` header or an `Authorization` JWT.')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'apiKey' }, 'apiKey')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'jwt')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'SCIM bearer token of a tenant (/scim/v2 only)' }, 'scim')
      .addSecurityRequirements('apiKey')
      .addSecurityRequirements('jwt')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  app.enableShutdownHooks();
  // Before init registers the routes, so the hook measures each of them.
  app.get(RouteLatencyMetrics).install(adapter.getInstance());
  // Forward-auth answers as a plain Fastify handler (the gateway's hot path), declared and documented by its controller.
  installForwardAuthRoute(adapter.getInstance(), app.get(ForwardAuthController).handler);
  await app.init();
  return app;
}

/** TRUST_PROXY as Fastify takes it: unset is off, `true` trusts any proxy, else addresses or CIDRs. */
const trustProxy = (setting: string | undefined): boolean | string =>
  setting === undefined || setting === 'false' ? false : setting === 'true' ? true : setting;
