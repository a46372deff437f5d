import { setTimeout as sleep } from 'node:timers/promises';
import { type GlobalPosition, hasReached, parsePosition } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';

const POLL_INTERVAL_MS = 10;

interface Wait {
  position: GlobalPosition;
  deadline: number;
  resolve: (caughtUp: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Read-your-writes: a command answers once every named projection's checkpoint has passed the
 * position its event was written at. The checkpoints are read from the read model, so this holds
 * whichever instance runs the projections. However many commands wait, one loop per process reads
 * the checkpoints (every 10 ms, or at once when a local processor commits) and settles them all.
 */
export class CaughtUpWaiter {
  private readonly waits = new Set<Wait>();
  private polling?: Promise<void>;
  private wakeUp?: AbortController;

  constructor(
    private readonly readModel: ReadModel,
    private readonly projectionNames: readonly string[],
  ) {}

  /** Local processors call this after each commit. */
  wake(): void {
    this.wakeUp?.abort();
  }

  /** True once caught up; false if `timeoutMs` passed first. Rejects if the checkpoints cannot be read. */
  waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waits.add({ position, deadline: Date.now() + timeoutMs, resolve, reject });
      this.polling ??= this.poll();
    });
  }

  /** Runs while anyone waits; it marks itself stopped in the same tick it finds no one left. */
  private async poll(): Promise<void> {
    try {
      for (;;) {
        const checkpoints = await this.readCheckpoints();
        this.settleAll((wait) => {
          if (checkpoints.every((checkpoint) => checkpoint !== undefined && hasReached(checkpoint, wait.position))) return true;
          return Date.now() >= wait.deadline ? false : undefined;
        });
        if (this.waits.size === 0) break;
        this.wakeUp = new AbortController();
        await sleep(POLL_INTERVAL_MS, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
      }
    } catch (error) {
      for (const wait of this.waits) wait.reject(error);
      this.waits.clear();
    }
    this.polling = undefined;
  }

  /** Settles each wait `decide` has an answer for (true: caught up, false: timed out). */
  private settleAll(decide: (wait: Wait) => boolean | undefined): void {
    for (const wait of this.waits) {
      const answer = decide(wait);
      if (answer === undefined) continue;
      this.waits.delete(wait);
      wait.resolve(answer);
    }
  }

  private async readCheckpoints(): Promise<(GlobalPosition | undefined)[]> {
    const texts = await Promise.all(this.projectionNames.map((name) => this.readModel.getCheckpoint(name)));
    return texts.map((text) => (text === undefined ? undefined : parsePosition(text)));
  }
}
