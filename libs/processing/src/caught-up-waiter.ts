import { setTimeout as sleep } from 'node:timers/promises';
import { type GlobalPosition, hasReached, parsePosition } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';

const POLL_INTERVAL_MS = 10;

/**
 * Read-your-writes: a command answers once every named projection's checkpoint has passed the
 * position its event was written at. The checkpoints are read from the read model, so this holds
 * whichever instance runs the projections; local processors wake the waiter early.
 */
export class CaughtUpWaiter {
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly readModel: ReadModel,
    private readonly projectionNames: readonly string[],
  ) {}

  /** Local processors call this after each commit. */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  /** True once caught up; false if `timeoutMs` passed first. */
  async waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.hasCaughtUp(position)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.nextWake(Math.min(left, POLL_INTERVAL_MS));
    }
  }

  private async hasCaughtUp(position: GlobalPosition): Promise<boolean> {
    for (const name of this.projectionNames) {
      const checkpoint = await this.readModel.getCheckpoint(name);
      if (checkpoint === undefined || !hasReached(parsePosition(checkpoint), position)) return false;
    }
    return true;
  }

  private nextWake(ms: number): Promise<void> {
    const controller = new AbortController();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.wakers.delete(done);
        controller.abort();
        resolve();
      };
      this.wakers.add(done);
      sleep(ms, undefined, { signal: controller.signal }).then(done, () => undefined);
    });
  }
}
