import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { CaughtUpWaiter } from './caught-up-waiter.js';
import { type BatchConsumer, CheckpointedProcessor, type ProcessorLogger, type ProcessorStatus, projectionConsumer } from './checkpointed-processor.js';
import type { Projection } from './projection.js';

const LEASE_NAME = 'processors';

export interface RuntimeOptions {
  /** False: this instance never processes (it still serves, and waits on the checkpoints). */
  enabled: boolean;
  /** How often a standby instance tries to take the lease. */
  leaseRetryMs?: number;
}

/**
 * The processors one instance runs: the projections and any side-effecting consumer such as the
 * audit relay, each from its own checkpoint. Only the instance holding the processing lease runs
 * them; the others stand by and take over when the holder dies. Commands wait on `waiter`, which
 * reads the checkpoints from the read model, so they work on every instance.
 */
export class ProcessingRuntime {
  readonly waiter: CaughtUpWaiter;
  private readonly processors: CheckpointedProcessor[] = [];
  private controller?: AbortController;
  private running?: Promise<void>;
  private role: 'disabled' | 'standby' | 'leader' = 'disabled';

  constructor(
    private readonly eventStore: EventStore,
    private readonly readModel: ReadModel,
    readonly projections: readonly Projection[],
    private readonly logger: ProcessorLogger,
    private readonly options: RuntimeOptions,
  ) {
    this.waiter = new CaughtUpWaiter(readModel, projections.map((projection) => projection.name));
    for (const projection of projections) this.add(projectionConsumer(readModel, projection));
  }

  /** Adds a side-effecting consumer (the audit relay); it never gates commands. */
  add(consumer: BatchConsumer): CheckpointedProcessor {
    const processor = new CheckpointedProcessor(this.eventStore, consumer, this.logger);
    processor.onAdvance(() => this.waiter.wake());
    this.processors.push(processor);
    return processor;
  }

  status(): { role: string; processors: ProcessorStatus[] } {
    return { role: this.role, processors: this.processors.map((processor) => processor.status()) };
  }

  start(): void {
    if (!this.options.enabled || this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.leadWhenPossible(controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }

  private async leadWhenPossible(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const lease = await this.readModel.tryAcquireLease(LEASE_NAME).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not ask for the processing lease');
        return undefined;
      });
      if (!lease) {
        this.role = 'standby';
        await sleep(this.options.leaseRetryMs ?? 2_000, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (signal.aborted) {
        // Stopped while the lease was being granted: hand it straight back.
        await lease.release();
        break;
      }
      this.role = 'leader';
      this.logger.info({ processors: this.processors.map((p) => p.consumer.name) }, 'processing lease taken; running processors');
      for (const processor of this.processors) processor.start();
      const stopped = new AbortController();
      await Promise.race([lease.lost, aborted(signal, stopped.signal)]);
      stopped.abort();
      await Promise.all(this.processors.map((processor) => processor.stop()));
      await lease.release();
      if (!signal.aborted) this.logger.warn({}, 'processing lease lost; standing by');
    }
    this.role = 'disabled';
  }

  /** Nest lifecycle: processors start once every module is ready (they are stopped by the owner of the stores). */
  onApplicationBootstrap(): void {
    this.start();
  }
}

/** Settles when `signal` aborts; `until` removes the listener when it is no longer wanted. */
const aborted = (signal: AbortSignal, until: AbortSignal): Promise<void> =>
  signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true, signal: until }));
