import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { API_KEY_VIEWS, ApiKeysModule, createValidationPipe } from '@keystream/api-keys';
import { AuditHttpModule } from '@keystream/audit';
import { DIRECTORY_VIEWS, DirectoryModule } from '@keystream/directory';
import type { AppConfig } from '@keystream/config';
import { ProblemDetailsFilter } from '@keystream/problem-details';
import { InfrastructureModule, RateLimitsModule, auditStoreLocation, openAuditStore, openRequestBudget } from '@keystream/runtime';
import { AuthGuard, ForwardAuthController, JwtVerifier } from '@keystream/tenancy';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { RouteLatencyMetrics } from './metrics/route-latency.metrics.js';
import { TenantRateLimitGuard } from './edge/tenant-rate-limit.guard.js';

/** The HTTP service: composes the libs, holds no business logic. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config, logger, views: [...API_KEY_VIEWS, ...DIRECTORY_VIEWS], runProcessors: config.RUN_PROCESSORS }),
        RateLimitsModule.forRoot(config),
        ApiKeysModule,
        // SCIM (/scim/v2) and the directory's role check for the auth guard.
        DirectoryModule.forRoot({ scimTokenSha256: config.SCIM_TOKEN_SHA256 }),
        // The tenant's audit trail, as the audit consumer stores it (GET /v1/audit/events).
        AuditHttpModule.forRoot({ useFactory: () => openAuditStore(auditStoreLocation(config)) }),
      ],
      controllers: [HealthController, MetricsController, ForwardAuthController],
      providers: [
        RouteLatencyMetrics,
        {
          provide: JwtVerifier,
          useValue: new JwtVerifier({
            secret: config.AUTH_JWT_SECRET,
            jwksUrl: config.AUTH_JWKS_URL,
            issuer: config.AUTH_JWT_ISSUER,
            audience: config.AUTH_JWT_AUDIENCE,
          }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard: it needs the caller's tenant.
        { provide: APP_GUARD, useValue: new TenantRateLimitGuard(openRequestBudget(config.RATE_LIMIT_PER_TENANT, config.RATE_LIMIT_WINDOW_SECONDS, 'tenant')) },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}

