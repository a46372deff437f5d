import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import { AUDIT_STORE, type AuditStore } from '../audit-store.port.js';
import { AuditEventsController } from './audit-events.controller.js';

export interface AuditHttpModuleOptions {
  imports?: ModuleMetadata['imports'];
  /** Opens the store the audit consumer writes (the apps pass libs/runtime's openAuditStore). */
  useFactory: (...dependencies: any[]) => AuditStore | Promise<AuditStore>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/** GET /v1/audit/events over the audit store; the module owns the store and closes it on shutdown. */
@Module({})
export class AuditHttpModule implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  static forRoot({ imports = [], useFactory, inject = [] }: AuditHttpModuleOptions): DynamicModule {
    return {
      module: AuditHttpModule,
      imports,
      controllers: [AuditEventsController],
      providers: [{ provide: AUDIT_STORE, useFactory, inject }],
      exports: [AUDIT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
