import { setTimeout as sleep } from 'node:timers/promises';
import { type AllFilter, type GlobalPosition, comparePositions, hasReached, parsePosition } from '@keystream/event-store';
import type { CheckpointReader } from '@keystream/read-model';

const POLL_INTERVAL_MS = 10;
/** A checkpoint read that takes longer than this is abandoned, so a hung connection cannot stall every wait. */
const READ_TIMEOUT_MS = 5_000;

/**
 * A projection the waiter follows: its name (its checkpoint's) and the streams it reads. Without a
 * filter it counts for every stream.
 */
export type WaitedProjection = string | { readonly name: string; readonly filter?: AllFilter };

interface Followed {
  readonly name: string;
  readonly filter?: AllFilter;
}

/** Whether a projection reading `filter` reads the stream `streamName`. */
const reads = (filter: AllFilter | undefined, streamName: string): boolean =>
  filter === undefined || filter.streamNamePrefixes.some((prefix) => streamName.startsWith(prefix));

/** Whether a projection reading `filter` may read any stream that `streams` selects (the prefixes overlap). */
const overlaps = (filter: AllFilter | undefined, streams: AllFilter): boolean =>
  filter === undefined ||
  filter.streamNamePrefixes.some((mine) => streams.streamNamePrefixes.some((theirs) => mine.startsWith(theirs) || theirs.startsWith(mine)));

interface Wait {
  position: GlobalPosition;
  /** The projections this wait is for: those that read the stream the command appended to. */
  names: readonly string[];
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
 * Read-your-writes: a command answers once the checkpoint of every projection that reads the stream
 * it appended to has passed the position its event was written at. Only those: a projection with a
 * filtered subscription (EventStoreDB) may move its checkpoint past other streams' events only on
 * the server's checkpoints (every 32 events), so waiting on it for a foreign event would wait out
 * the whole timeout. Two sources say how far a projection has got:
 * - this process's own processors tell the waiter each checkpoint they commit (`advanced`), which
 *   settles the waits it covers at once, with no read and no timer: the common case, since the
 *   instance that takes a command usually runs the projections too;
 * - the checkpoints in the read model, so this holds whichever instance runs the projections: however
 *   many commands wait, one loop per process reads them (every 10 ms, or at once when woken) and
 *   settles them all. A wake that comes while a read is under way makes the loop read again at once
 *   rather than sleep, so no commit is missed until the next poll.
 * Each wait has its own timer, so a slow read cannot hold it past its deadline by more than the
 * read timeout; and it never answers "not yet" before one read that started after it has finished,
 * so a tiny timeout cannot refuse views that are in fact current.
 */
export class CaughtUpWaiter {
  private readonly waits = new Set<Wait>();
  private polling?: Promise<void>;
  private wakeUp?: AbortController;
  /** Set by wake(); the loop clears it before each read and skips the sleep if it was set meanwhile. */
  private woken = false;
  private readsStarted = 0;
  /** The latest checkpoint each projection committed in this process (from `advanced`). */
  private readonly committedHere = new Map<string, GlobalPosition>();
  private readonly followed: readonly Followed[];
  private readonly projectionNames: readonly string[];
  /** This process runs the projections: their commits will settle a wait, so the first read can wait a poll interval. */
  private processingHere = false;

  constructor(
    private readonly readModel: CheckpointReader,
    projections: readonly WaitedProjection[],
    private readonly readTimeoutMs = READ_TIMEOUT_MS,
  ) {
    this.followed = projections.map((projection) => (typeof projection === 'string' ? { name: projection } : projection));
    this.projectionNames = this.followed.map((projection) => projection.name);
  }

  /** Makes the loop read the checkpoints now rather than at its next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.abort();
  }

  /**
   * A processor of this process committed `projection`'s checkpoint at `position`: settles every
   * wait that all projections have now passed, by what this process committed or last read.
   */
  advanced(projection: string, position: GlobalPosition): void {
    if (!this.projectionNames.includes(projection)) return;
    const known = this.committedHere.get(projection);
    if (known === undefined || comparePositions(position, known) > 0) this.committedHere.set(projection, position);
    for (const wait of this.waits) if (this.committedPast(wait.position, wait.names)) this.settle(wait, true);
  }

  /**
   * Whether this process's processors run (it holds the lease). While they do, a new wait reads the
   * checkpoints only after a poll interval (or at its deadline), as their commit normally settles it
   * first; a read per command would only queue behind the projections' writes.
   */
  setProcessingHere(processing: boolean): void {
    this.processingHere = processing;
  }

  /**
   * True once caught up; false if `timeoutMs` passed first. Rejects if the checkpoints cannot be read.
   * With `streamName` (the stream the event was appended to), only the projections that read that
   * stream are waited for; without it, every projection.
   */
  waitFor(position: GlobalPosition, timeoutMs: number, streamName?: string): Promise<boolean> {
    const names = this.followed.filter((projection) => streamName === undefined || reads(projection.filter, streamName)).map((projection) => projection.name);
    if (this.committedPast(position, names)) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const wait: Wait = { position, names, firstRead: this.readsStarted + 1, expired: false, resolve, reject, timer: setTimeout(() => this.expire(wait), timeoutMs) };
      this.waits.add(wait);
      this.polling ??= this.poll();
    });
  }

  /** Whether this process's own commits show every one of `names` past `position`. */
  private committedPast(position: GlobalPosition, names: readonly string[]): boolean {
    return names.every((name) => {
      const committed = this.committedHere.get(name);
      return committed !== undefined && hasReached(committed, position);
    });
  }

  /** Runs while anyone waits; it marks itself stopped in the same tick it finds no one left. */
  private async poll(): Promise<void> {
    try {
      if (this.processingHere) await this.pause();
      for (;;) {
        if (this.waits.size === 0) break;
        const read = ++this.readsStarted;
        this.woken = false;
        const checkpoints = await this.readCheckpoints();
        for (const wait of this.waits) {
          if (wait.names.every((name) => { const checkpoint = checkpoints.get(name); return checkpoint !== undefined && hasReached(checkpoint, wait.position); })) this.settle(wait, true);
          else if (wait.expired && read >= wait.firstRead) this.settle(wait, false);
        }
        await this.pause();
      }
    } catch (error) {
      for (const wait of this.waits) this.settle(wait, error);
    }
    this.polling = undefined;
  }

  /** Sleeps a poll interval, unless woken before or during it. */
  private async pause(): Promise<void> {
    if (this.woken) return;
    this.wakeUp = new AbortController();
    await sleep(POLL_INTERVAL_MS, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
  }

  /**
   * The position every projection has passed, or undefined while any has no checkpoint yet: what a
   * caller can compare the log with to see what the views do not show yet. With `streams`, only the
   * projections that may read those streams count (a caller comparing with the key events asks for
   * the key views, not for a directory view whose checkpoint need not move with key events).
   */
  async lowestCheckpoint(streams?: AllFilter): Promise<GlobalPosition | undefined> {
    const names = this.followed.filter((projection) => streams === undefined || overlaps(projection.filter, streams)).map((projection) => projection.name);
    const read = await this.readCheckpoints(names);
    const checkpoints = names.map((name) => read.get(name));
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

  /** The checkpoints of `names` (all projections by default), by name; undefined where none is recorded. */
  private async readCheckpoints(names: readonly string[] = this.projectionNames): Promise<Map<string, GlobalPosition | undefined>> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckpointReadTimeoutError(this.readTimeoutMs)), this.readTimeoutMs)));
    const reading = Promise.all(names.map((name) => this.readModel.getCheckpoint(name)));
    const texts = await Promise.race([reading, timedOut]).finally(() => clearTimeout(timer));
    return new Map(names.map((name, i) => [name, texts[i] === undefined ? undefined : parsePosition(texts[i])]));
  }
}
