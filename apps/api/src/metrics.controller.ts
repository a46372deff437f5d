import { Controller, Get, Header, Inject, type OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { KeyVerificationCache, KeyVerifier, VERIFICATION_CODES } from '@keystream/api-keys';
import { AUDIT_PUBLISHER, AUDIT_RELAY, AUDIT_RELAY_FILTER, type AuditPublisher } from '@keystream/audit-bus';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { ProcessingRuntime } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { Public } from '@keystream/tenancy';
import { type Lag, checkpointLag } from './metrics/lag.js';
import { RouteLatencyMetrics } from './metrics/route-latency.metrics.js';

const LAG_REFRESH_MS = 5_000;

/**
 * Prometheus metrics: process health, processor failures, the hot paths' latency and outcomes, and
 * how far the projections, the verification cache and the audit relay lag (docs/grafana/ reads them).
 */
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
    latency: RouteLatencyMetrics,
    verifier: KeyVerifier,
    cache: KeyVerificationCache,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'keystream_' });
    this.registry.registerMetric(latency.verification);
    this.registry.registerMetric(latency.command);
    new Gauge({
      name: 'keystream_processor_failures',
      help: 'Failed attempts per processor since start (each is retried with back-off)',
      labelNames: ['processor'],
      registers,
      collect() {
        for (const status of processing.status().processors) this.set({ processor: status.name }, status.failures);
      },
    });
    // The verifier keeps plain counts (nothing on its path but an increment); they are copied here when scraped.
    const reported = Object.fromEntries(VERIFICATION_CODES.map((code) => [code, 0]));
    new Counter({
      name: 'keystream_key_verifications_total',
      help: 'Key verifications by outcome (VALID, NOT_FOUND, REVOKED, EXPIRED, DELETED, RATE_LIMITED, MALFORMED), every route',
      labelNames: ['code'],
      registers,
      collect() {
        for (const code of VERIFICATION_CODES) {
          this.inc({ code }, verifier.outcomes[code] - reported[code]!);
          reported[code] = verifier.outcomes[code];
        }
      },
    });
    new Gauge({ name: 'keystream_verification_cache_rows', help: 'Verification rows held in memory', registers, collect() { this.set(cache.size); } });
    new Gauge({
      name: 'keystream_verification_cache_lag_seconds',
      help: 'Seconds since the verification cache last looked for other instances’ changes (it looks every 150 ms once keys are verified; -1 before the first look)',
      registers,
      collect() {
        this.set(cache.lastLookAt === undefined ? -1 : (Date.now() - cache.lastLookAt) / 1000);
      },
    });

    // Lags scan the log past a checkpoint: at most once per interval, however often the (unauthenticated) route is scraped.
    const lagOf = (name: string, filter: { streamNamePrefixes: readonly string[] }) => {
      let last: { at: number; lag: Lag } = { at: 0, lag: { events: 0, seconds: 0 } };
      return async (): Promise<Lag> => {
        if (Date.now() - last.at > LAG_REFRESH_MS) last = { at: Date.now(), lag: await checkpointLag(eventStore, readModel, name, filter) };
        return last.lag;
      };
    };
    const consumers = processing.projections.map((projection) => ({ label: { projection: projection.name }, lag: lagOf(projection.name, projection.filter) }));
    new Gauge({
      name: 'keystream_projection_lag_events',
      help: 'Events recorded but not yet in the view (at most 10,000)',
      labelNames: ['projection'],
      registers,
      async collect() {
        for (const consumer of consumers) this.set(consumer.label, (await consumer.lag()).events);
      },
    });
    new Gauge({
      name: 'keystream_projection_lag_seconds',
      help: 'Age of the oldest event not yet in the view; 0 when caught up',
      labelNames: ['projection'],
      registers,
      async collect() {
        for (const consumer of consumers) this.set(consumer.label, (await consumer.lag()).seconds);
      },
    });
    // A publisher exists exactly when the relay runs (AUDIT_SINK=kafka).
    if (auditPublisher) {
      const relay = lagOf(AUDIT_RELAY, AUDIT_RELAY_FILTER);
      new Gauge({
        name: 'keystream_audit_relay_lag_events',
        help: 'Key events recorded but not yet acknowledged by Kafka (at most 10,000)',
        registers,
        async collect() {
          this.set((await relay()).events);
        },
      });
      new Gauge({
        name: 'keystream_audit_relay_lag_seconds',
        help: 'Age of the oldest event not yet acknowledged by Kafka; 0 when caught up',
        registers,
        async collect() {
          this.set((await relay()).seconds);
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
