import { EventEmitter } from 'node:events';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import {
  type AllFilter,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@keystream/event-store';
import type { CheckpointReader, Transactions } from '@keystream/read-model';
import { batchMessages } from './batch-messages.js';
import type { Projection } from './projection.js';

export interface ProcessorLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ProcessorStatus {
  name: string;
  state: 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopped';
  position?: string;
  lastError?: string;
  failures: number;
}

export interface ProcessorOptions {
  batchSize?: number;
  maxWaitMs?: number;
  /** Longest pause between retries after an infrastructure failure. */
  maxBackoffMs?: number;
}

/**
 * Events per batch while catching up (a live batch closes as soon as the log is quiet): each batch
 * is one transaction with a durable commit and one read of its rows, so fewer, larger batches
 * catch up faster; 2,000 keeps one batch's write lock in the tens of milliseconds.
 */
const DEFAULT_BATCH_SIZE = 2_000;

/** Another instance moved the checkpoint first: re-read it and resume from there. */
export class CheckpointMovedError extends Error {}

/**
 * What a processor does with each batch. It must move the checkpoint from `expected` to `next`
 * (compare-and-set, throwing CheckpointMovedError when that fails) only once the batch's effects
 * are durable: in the same transaction for a projection, after the broker's ack for the relay.
 */
export interface BatchConsumer {
  readonly name: string;
  readonly filter: AllFilter;
  consume(events: readonly RecordedEvent[], checkpoint: { expected: string | undefined; next: string }): Promise<void>;
  /** The stored checkpoint to resume after. */
  loadCheckpoint(): Promise<string | undefined>;
  /**
   * The checkpoints a batch moves, when they are not just `name`'s: the projections one consumer
   * feeds together (projectionsConsumer). Each is told to waiting commands and reported apart.
   */
  readonly checkpointNames?: readonly string[];
}

/** A projection as a consumer: its writes and its checkpoint commit in one read-model transaction. */
export const projectionConsumer = (readModel: CheckpointReader & Transactions, projection: Projection): BatchConsumer => ({
  name: projection.name,
  filter: projection.filter,
  loadCheckpoint: () => readModel.getCheckpoint(projection.name),
  consume: (events, { expected, next }) =>
    readModel.transaction(async (tx) => {
      // Checkpoint first: the write lock is taken before any read, and a lost race costs nothing.
      if (!(await tx.compareAndSetCheckpoint(projection.name, expected, next))) throw new CheckpointMovedError();
      await projection.applyBatch(tx, events);
    }),
});

/**
 * Several projections of one read model as one consumer: the log is read and decoded once for all
 * of them (the decoded events are shared: see views/decode.ts), and each batch goes to every one of
 * them in ONE transaction that moves each one's own checkpoint by compare-and-set, so a batch costs
 * one durable commit instead of one per view, and the views a command waits for move together.
 * Each projection takes only the events its filter matches past its own checkpoint (they differ
 * after a swap, which moves only the rebuilt views' checkpoints): the consumer resumes from the
 * earliest. Exactly-once as for one projection: rows and checkpoints commit or roll back together.
 */
export const projectionsConsumer = (readModel: CheckpointReader & Transactions, projections: readonly Projection[]): BatchConsumer => {
  const names = projections.map((projection) => projection.name);
  /** Each projection's stored checkpoint, as of the last load or commit. */
  let checkpoints = new Map<string, GlobalPosition | undefined>();
  return {
    name: names.join('+'),
    checkpointNames: names,
    filter: { streamNamePrefixes: [...new Set(projections.flatMap((projection) => projection.filter.streamNamePrefixes))] },
    async loadCheckpoint() {
      const loaded = new Map<string, GlobalPosition | undefined>();
      for (const name of names) {
        const stored = await readModel.getCheckpoint(name);
        loaded.set(name, stored === undefined ? undefined : parsePosition(stored));
      }
      checkpoints = loaded;
      const starts = [...loaded.values()];
      if (starts.some((start) => start === undefined)) return undefined;
      const earliest = starts.reduce((a, b) => (comparePositions(b!, a!) < 0 ? b : a));
      return formatPosition(earliest!);
    },
    async consume(events, { next }) {
      const to = parsePosition(next);
      const moved = projections.filter(({ name }) => {
        const checkpoint = checkpoints.get(name);
        return checkpoint === undefined || comparePositions(to, checkpoint) > 0;
      });
      if (moved.length === 0) return;
      await readModel.transaction(async (tx) => {
        for (const projection of moved) {
          const checkpoint = checkpoints.get(projection.name);
          // Checkpoint first, as for one projection: a lost race costs nothing.
          if (!(await tx.compareAndSetCheckpoint(projection.name, checkpoint && formatPosition(checkpoint), next))) throw new CheckpointMovedError();
          const own = events.filter(
            (event) =>
              projection.filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix)) &&
              (checkpoint === undefined || comparePositions(event.position, checkpoint) > 0),
          );
          await projection.applyBatch(tx, own);
        }
      });
      for (const { name } of moved) checkpoints.set(name, to);
    },
  };
};

/**
 * Feeds one consumer from the log, in order, from its stored checkpoint. For a projection each batch
 * is applied in one transaction with the checkpoint's compare-and-set, so a crash anywhere re-applies
 * at most an uncommitted batch and two instances never both commit the same batch. Failures never
 * escape: the processor retries with exponential back-off, forever, without moving its checkpoint.
 */
export class CheckpointedProcessor {
  private readonly events = new EventEmitter();
  private controller?: AbortController;
  private running?: Promise<void>;
  private current: ProcessorStatus;

  constructor(
    private readonly eventStore: EventStore,
    readonly consumer: BatchConsumer,
    private readonly logger: ProcessorLogger,
    private readonly options: ProcessorOptions = {},
  ) {
    this.current = { name: consumer.name, state: 'stopped', failures: 0 };
  }

  status(): ProcessorStatus {
    return { ...this.current };
  }

  /** Called with each position the checkpoint moves to, after the commit. */
  onAdvance(listener: (position: GlobalPosition) => void): () => void {
    this.events.on('advance', listener);
    return () => this.events.off('advance', listener);
  }

  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.current = { ...this.current, state: 'starting' };
    this.running = this.runForever(controller.signal).finally(() => {
      this.current = { ...this.current, state: 'stopped' };
      this.running = undefined;
    });
  }

  private async runForever(signal: AbortSignal): Promise<void> {
    const backoff = new ExponentialBackoff({ initialDelay: 100, maxDelay: this.options.maxBackoffMs ?? 10_000 });
    let delay: IBackoff<unknown> | undefined;
    let progressed = false;
    const unsubscribe = this.onAdvance(() => (progressed = true));
    try {
      while (!signal.aborted) {
        try {
          await this.runOnce(signal);
        } catch (error) {
          if (signal.aborted) break;
          if (progressed) delay = undefined;
          progressed = false;
          delay = delay ? delay.next(undefined) : backoff.next();
          if (!(error instanceof CheckpointMovedError)) {
            this.current = { ...this.current, state: 'retrying', lastError: String(error), failures: this.current.failures + 1 };
            this.logger.warn({ processor: this.consumer.name, err: error, retryInMs: delay.duration }, 'processor failed; retrying');
          }
          await sleep(delay.duration, signal);
        }
      }
    } finally {
      unsubscribe();
    }
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
  }

  /**
   * Runs until the signal aborts; any throw goes back to the retry loop. Each attempt has its own
   * subscription, ended the moment the attempt fails: closing it otherwise waits for the next event,
   * which on a quiet log would hold the retry (and a revocation) back indefinitely.
   */
  private async runOnce(signal: AbortSignal): Promise<void> {
    const attempt = new AbortController();
    const endAttempt = () => attempt.abort();
    signal.addEventListener('abort', endAttempt, { once: true });
    try {
      let checkpoint = await this.consumer.loadCheckpoint();
      this.current = { ...this.current, position: checkpoint, state: 'catching-up' };
      const messages = this.eventStore.subscribeToAll({
        after: checkpoint === undefined ? undefined : parsePosition(checkpoint),
        filter: this.consumer.filter,
        signal: attempt.signal,
      });
      const batches = batchMessages(messages, { maxSize: this.options.batchSize ?? DEFAULT_BATCH_SIZE, maxWaitMs: this.options.maxWaitMs ?? 5 });
      for await (const batch of batches) {
        if (!batch.position) {
          this.current = { ...this.current, state: 'live' };
          continue;
        }
        const next = formatPosition(batch.position);
        try {
          await this.consumer.consume(batch.events, { expected: checkpoint, next });
        } catch (error) {
          attempt.abort();
          throw error;
        }
        checkpoint = next;
        this.current = { ...this.current, position: next, state: batch.caughtUp ? 'live' : 'catching-up', lastError: undefined };
        this.events.emit('advance', batch.position);
      }
      if (!signal.aborted) throw new Error('subscription ended unexpectedly');
    } finally {
      signal.removeEventListener('abort', endAttempt);
      attempt.abort();
    }
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  sleepTimer(ms, undefined, { signal }).catch(() => undefined);
