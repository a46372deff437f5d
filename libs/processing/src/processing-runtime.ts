import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { CaughtUpWaiter } from './caught-up-waiter.js';
import { type BatchConsumer, CheckpointedProcessor, type ProcessorLogger, type ProcessorStatus, projectionsConsumer } from './checkpointed-processor.js';
import type { Projection } from './projection.js';
import { type RebuildOptions, type RebuildProgress, rebuildProjections } from './rebuild-projections.js';
import { outdatedProjections } from './versioned-rebuild.js';

const LEASE_NAME = 'processors';

export interface RuntimeOptions {
  /** False: this instance never processes (it still serves, and waits on the checkpoints). */
  enabled: boolean;
  /** How often a standby instance tries to take the lease. */
  leaseRetryMs?: number;
  /** Told how a start-up rebuild of outdated views is getting on. */
  onRebuildProgress?: (progress: RebuildProgress) => void;
}

const MAX_REBUILD_RETRY_MS = 60_000;

/**
 * Work that is not driven by the log but by time (the expiry-notice processor): it runs only while
 * this instance holds the processing lease, and `signal` aborts when the lease is lost or the
 * instance stops. It must not throw its way out; a rejection is logged and the task is not restarted
 * until the lease is taken again.
 */
export interface LeaderTask {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * The processors one instance runs: the projections and any side-effecting consumer such as the
 * audit relay, each from its own checkpoint. Only the instance holding the processing lease runs
 * them; the others stand by and take over when the holder dies. Commands wait on `waiter`, which
 * reads the checkpoints from the read model, so they work on every instance.
 *
 * The lease holder also rebuilds, at start-up, every view whose recorded version differs from its
 * projection's: from the first event into a shadow, swapped in once caught up, while the live view
 * keeps serving (and its live processor keeps applying new events, so revocations show at once).
 */
export class ProcessingRuntime {
  readonly waiter: CaughtUpWaiter;
  private readonly processors: CheckpointedProcessor[] = [];
  private readonly tasks: LeaderTask[] = [];
  private controller?: AbortController;
  private running?: Promise<void>;
  private role: 'disabled' | 'standby' | 'leader' = 'disabled';
  private rebuilds: Promise<unknown> = Promise.resolve();
  private readonly rebuilt = new EventEmitter();

  constructor(
    private readonly eventStore: EventStore,
    private readonly readModel: ReadModel,
    readonly projections: readonly Projection[],
    private readonly logger: ProcessorLogger,
    private readonly options: RuntimeOptions,
  ) {
    this.waiter = new CaughtUpWaiter(readModel, projections);
    // One processor for every projection: one read of the log, one transaction per batch for all views.
    if (projections.length > 0) this.add(projectionsConsumer(readModel, projections));
  }

  /** Adds a side-effecting consumer (the audit relay); it never gates commands. */
  add(consumer: BatchConsumer): CheckpointedProcessor {
    const processor = new CheckpointedProcessor(this.eventStore, consumer, this.logger);
    // Commands waiting on this projection are settled by its commit, with no read of the checkpoints.
    const names = consumer.checkpointNames ?? [consumer.name];
    processor.onAdvance((position) => {
      for (const name of names) this.waiter.advanced(name, position);
    });
    this.processors.push(processor);
    return processor;
  }

  /** Adds a time-driven task that runs beside the processors, on the lease holder only. */
  addTask(task: LeaderTask): void {
    this.tasks.push(task);
  }

  status(): { role: string; processors: ProcessorStatus[]; tasks: string[] } {
    // Reported per checkpoint: the projections that share one processor each show its state.
    const processors = this.processors.flatMap((processor) => {
      const status = processor.status();
      const names = processor.consumer.checkpointNames;
      return names ? names.map((name) => ({ ...status, name })) : [status];
    });
    return { role: this.role, processors, tasks: this.tasks.map((task) => task.name) };
  }

  /**
   * Rebuilds projections (all by default) beside the live views and swaps them in. One rebuild at a
   * time in this process: a rebuild asked for while the start-up one runs waits for it.
   */
  rebuild(projections: readonly Projection[] = this.projections, options: RebuildOptions = {}): Promise<{ events: number }> {
    const run = this.rebuilds.then(() => rebuildProjections(this.eventStore, this.readModel, projections, options));
    this.rebuilds = run.catch(() => undefined);
    return run;
  }

  /** Called with the names of the views a start-up rebuild swapped in. */
  onViewsRebuilt(listener: (views: readonly string[]) => void): () => void {
    this.rebuilt.on('rebuilt', listener);
    return () => this.rebuilt.off('rebuilt', listener);
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
      this.waiter.setProcessingHere(true);
      const stopped = new AbortController();
      const rebuilding = this.rebuildOutdated(stopped.signal);
      const tasks = this.tasks.map((task) =>
        task.run(stopped.signal).catch((error: unknown) => this.logger.error({ task: task.name, err: error }, 'task failed; it runs again with the next lease')),
      );
      await Promise.race([lease.lost, aborted(signal, stopped.signal)]);
      stopped.abort();
      this.waiter.setProcessingHere(false);
      // The processors stop at once, not after a task's or rebuild's current pass: another instance
      // may hold the lease already.
      await Promise.all([rebuilding, ...tasks, ...this.processors.map((processor) => processor.stop())]);
      await lease.release();
      if (!signal.aborted) this.logger.warn({}, 'processing lease lost; standing by');
    }
    this.role = 'disabled';
  }

  /** Retries with back-off until the outdated views are rebuilt, or this instance stops leading. */
  private async rebuildOutdated(signal: AbortSignal): Promise<void> {
    for (let delay = 1_000; !signal.aborted; delay = Math.min(delay * 2, MAX_REBUILD_RETRY_MS)) {
      try {
        const outdated = await outdatedProjections(this.readModel, this.projections);
        if (outdated.length === 0) return;
        const views = outdated.map((projection) => projection.name);
        this.logger.info({ views }, 'view versions changed; rebuilding them beside the live ones');
        const { events } = await this.rebuild(outdated, { signal, onProgress: this.options.onRebuildProgress });
        this.logger.info({ views, events }, 'rebuilt views swapped in');
        this.rebuilt.emit('rebuilt', views);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.logger.warn({ err: error, retryInMs: delay }, 'rebuilding the outdated views failed; retrying');
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
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
