import { Controller, Get, Header, Inject, type OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { AUDIT_PUBLISHER, type AuditPublisher, relayLag } from '@keystream/audit-bus';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { ProcessingRuntime } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { Public } from '@keystream/tenancy';

const LAG_REFRESH_MS = 5_000;

/** Prometheus metrics: process health, processor failures, and how far the audit relay lags. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController implements OnModuleDestroy {
  private readonly registry = new Registry();

  constructor(
    @Inject(EVENT_STORE) eventStore: EventStore,
    @Inject(READ_MODEL) readModel: ReadModel,
    @Inject(AUDIT_PUBLISHER) auditPublisher: AuditPublisher | null,
    processing: ProcessingRuntime,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'keystream_' });
    new Gauge({
      name: 'keystream_processor_failures',
      help: 'Failed attempts per processor since start (each is retried with back-off)',
      labelNames: ['processor'],
      registers: [this.registry],
      collect() {
        for (const status of processing.status().processors) this.set({ processor: status.name }, status.failures);
      },
    });
    // A publisher exists exactly when the relay runs (AUDIT_SINK=kafka).
    if (auditPublisher) {
      // Reading the lag scans the log past the relay's checkpoint: at most once per interval, however
      // often the (unauthenticated) route is scraped.
      let last = { at: 0, eventsBehind: 0 };
      new Gauge({
        name: 'keystream_audit_relay_lag_events',
        help: 'Key events recorded but not yet acknowledged by Kafka',
        registers: [this.registry],
        async collect() {
          if (Date.now() - last.at > LAG_REFRESH_MS) last = { at: Date.now(), eventsBehind: (await relayLag(eventStore, readModel)).eventsBehind };
          this.set(last.eventsBehind);
        },
      });
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
