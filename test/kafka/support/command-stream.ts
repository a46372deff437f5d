import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller } from '@keystream/api-keys';
import type { KeyActivity } from './key-activity.js';

/**
 * A steady stream of key commands from a few users, as live traffic would be: each user creates a
 * few keys, then keeps editing, revoking and re-activating them. Counts what succeeded; a failed
 * command is recorded, never retried, so a test can assert that commands kept succeeding.
 */
export class CommandStream {
  completed = 0;
  readonly failures: string[] = [];
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly activity: KeyActivity,
    private readonly callers: readonly Caller[],
    private readonly keysPerCaller = 3,
    /** A breather between commands so the relay, consumer and broker share the two cores. */
    private readonly pauseMs = 2,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    const keys: { keyId: string; caller: Caller }[] = [];
    for (let n = 0; !this.stopping; n++) {
      const caller = this.callers[n % this.callers.length]!;
      try {
        if (keys.length < this.callers.length * this.keysPerCaller) {
          const ownerId = caller.kind === 'user' ? caller.userId : 'system';
          keys.push({ keyId: (await this.activity.create(caller, ownerId)).keyId, caller });
        } else {
          const key = keys[n % keys.length]!;
          if (n % 5 === 0) await this.activity.edit(key.keyId, key.caller, { description: `edit ${n}` });
          else await this.activity.toggle(key.keyId, key.caller);
        }
        this.completed++;
      } catch (error) {
        this.failures.push(String(error));
      }
      await sleep(this.pauseMs);
    }
  }
}
