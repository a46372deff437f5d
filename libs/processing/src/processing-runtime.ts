import type { EventStore } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { CaughtUpWaiter } from './caught-up-waiter.js';
import { type BatchConsumer, CheckpointedProcessor, type ProcessorLogger, type ProcessorStatus, projectionConsumer } from './checkpointed-processor.js';
import type { Projection } from './projection.js';

/**
 * The processors one instance runs: the projections (and, when wired in, the audit relay), each
 * from its own checkpoint. Commands wait on `waiter` for the projections to show their events.
 */
export class ProcessingRuntime {
  readonly waiter: CaughtUpWaiter;
  private readonly processors: CheckpointedProcessor[] = [];

  constructor(
    private readonly eventStore: EventStore,
    readModel: ReadModel,
    readonly projections: readonly Projection[],
    private readonly logger: ProcessorLogger,
    private readonly enabled: boolean,
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

  status(): ProcessorStatus[] {
    return this.processors.map((processor) => processor.status());
  }

  start(): void {
    if (!this.enabled) return;
    for (const processor of this.processors) processor.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.stop()));
  }

  /** Nest lifecycle: processors start once every module is ready, and stop before stores close. */
  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
