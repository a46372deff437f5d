import { setTimeout as sleep } from 'node:timers/promises';
import { type GlobalPosition, comparePositions, hasReached, parsePosition } from '@keystream/event-store';
import type { CheckpointReader } from '@keystream/read-model';

const POLL_INTERVAL_MS = 10;
/** A checkpoint read that takes longer than this is abandoned, so a hung connection cannot stall every wait. */
const READ_TIMEOUT_MS = 5_000;

interface Wait {
  position: GlobalPosition;
  /** The first checkpoint read that started after this wait began: only it or a later one may say "not yet". */
  firstRead: number;
  /** The deadline has passed: the next such read to finish answers, caught up or not. */
  expired: boolean;
  timer: NodeJS.Timeout;
  resolve: (caughtUp: boolean) => void;
  reject: (error: unknown) => void;
}

export class CheckpointReadTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Reading the projection checkpoints took over ${timeoutMs} ms`);
    this.name = 'CheckpointReadTimeoutError';
  }
}

/**
 * Read-your-writes: a command answers once every named projection's checkpoint has passed the
 * position its event was written at. The checkpoints are read from the read model, so this holds
 * whichever instance runs the projections. However many commands wait, one loop per process reads
 * the checkpoints (every 10 ms, or at once when a local processor commits) and settles them all.
 * Each wait has its own timer, so a slow read cannot hold it past its deadline by more than the
 * read timeout; and it never answers "not yet" before one read that started after it has finished,
 * so a tiny timeout cannot refuse views that are in fact current.
 */
export class CaughtUpWaiter {
  private readonly waits = new Set<Wait>();
  private polling?: Promise<void>;
  private wakeUp?: AbortController;
  private readsStarted = 0;

  constructor(
    private readonly readModel: CheckpointReader,
    private readonly projectionNames: readonly string[],
    private readonly readTimeoutMs = READ_TIMEOUT_MS,
  ) {}

  /** Local processors call this after each commit. */
  wake(): void {
    this.wakeUp?.abort();
  }

  /** True once caught up; false if `timeoutMs` passed first. Rejects if the checkpoints cannot be read. */
  waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const wait: Wait = { position, firstRead: this.readsStarted + 1, expired: false, resolve, reject, timer: setTimeout(() => this.expire(wait), timeoutMs) };
      this.waits.add(wait);
      this.polling ??= this.poll();
    });
  }

  /** Runs while anyone waits; it marks itself stopped in the same tick it finds no one left. */
  private async poll(): Promise<void> {
    try {
      for (;;) {
        const read = ++this.readsStarted;
        const checkpoints = await this.readCheckpoints();
        for (const wait of this.waits) {
          if (checkpoints.every((checkpoint) => checkpoint !== undefined && hasReached(checkpoint, wait.position))) this.settle(wait, true);
          else if (wait.expired && read >= wait.firstRead) this.settle(wait, false);
        }
        if (this.waits.size === 0) break;
        this.wakeUp = new AbortController();
        await sleep(POLL_INTERVAL_MS, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
      }
    } catch (error) {
      for (const wait of this.waits) this.settle(wait, error);
    }
    this.polling = undefined;
  }

  /**
   * The position every projection has passed, or undefined while any has no checkpoint yet: what a
   * caller can compare the log with to see what the views do not show yet.
   */
  async lowestCheckpoint(): Promise<GlobalPosition | undefined> {
    const checkpoints = await this.readCheckpoints();
    if (checkpoints.length === 0 || checkpoints.some((checkpoint) => checkpoint === undefined)) return undefined;
    return (checkpoints as GlobalPosition[]).reduce((lowest, checkpoint) => (comparePositions(checkpoint, lowest) < 0 ? checkpoint : lowest));
  }

  /** Reads at once rather than after the poll interval, so the answer comes at the deadline. */
  private expire(wait: Wait): void {
    wait.expired = true;
    this.wake();
  }

  /** true: caught up; false: timed out; anything else: the error to reject with. */
  private settle(wait: Wait, outcome: unknown): void {
    if (!this.waits.delete(wait)) return;
    clearTimeout(wait.timer);
    if (typeof outcome === 'boolean') wait.resolve(outcome);
    else wait.reject(outcome);
  }

  private async readCheckpoints(): Promise<(GlobalPosition | undefined)[]> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckpointReadTimeoutError(this.readTimeoutMs)), this.readTimeoutMs)));
    const reads = Promise.all(this.projectionNames.map((name) => this.readModel.getCheckpoint(name)));
    const texts = await Promise.race([reads, timedOut]).finally(() => clearTimeout(timer));
    return texts.map((text) => (text === undefined ? undefined : parsePosition(text)));
  }
}
