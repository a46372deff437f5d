import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { describeError } from '@keystream/store-errors';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { KeyVerifier } from '../../application/key-verifier.js';
import { LeakReportsBusyError } from './report-leaked-keys.errors.js';

/** Values accepted but not yet checked, across reports; a report that would pass it is refused whole (503). */
export const MAX_PENDING_LEAKED_VALUES = 20_000;

/**
 * Checks of one value that found its key id's guessing budget spent, before the report is given up.
 * Each waits the budget's retry-after (GUESSING_BUDGET's window, 10 s), so about five minutes in all:
 * whoever holds the leaked key must keep spending its budget that long to keep it from being revoked.
 */
export const MAX_LEAKED_VALUE_ATTEMPTS = 30;

interface PendingValue {
  value: string;
  correlationId: string;
  /** Checks already made that found the budget spent. */
  attempts: number;
}

interface Retry {
  timer: NodeJS.Timeout;
  done: Promise<void>;
  release: () => void;
}

/**
 * Checks reported values after the answer is sent, one at a time, so the answer (202 and a count)
 * takes the same time and says the same thing whatever the values are, and a report of 1,000 values
 * cannot take the request path's CPU. Each value goes through the one key verifier: format and
 * checksum first, then the key id's row, then scrypt, spending the key id's guessing budget exactly
 * as a request with that value would. Only a value that verifies (the key works, the secret matches)
 * leads to the ReportLeakedKey command; nothing else leaves a trace.
 *
 * A value whose key id's guessing budget is spent (someone holding the leaked key can spend it with
 * wrong values) is not dropped: it waits in memory for the retry-after and is checked again, up to
 * MAX_LEAKED_VALUE_ATTEMPTS times; giving up is logged with the key id (not secret), for an operator.
 *
 * The values live only in this queue's memory until checked: never stored, never logged (log lines
 * name a revoked key's id, not the value). Values waiting when the process stops are lost; the
 * reporter resends (scanners do), which is the price of never writing a value down.
 */
@Injectable()
export class LeakedKeyReports implements OnApplicationShutdown {
  private readonly logger = new Logger(LeakedKeyReports.name);
  private readonly pending: PendingValue[] = [];
  /** Values waiting for their key id's guessing budget to come back (in memory only). */
  private readonly retries = new Set<Retry>();
  private draining?: Promise<void>;
  private stopped = false;
  /** Outcomes since start: how many values were checked and how many revoked a key (for tests and metrics). */
  readonly counts = { checked: 0, revoked: 0 };

  constructor(
    private readonly verifier: KeyVerifier,
    private readonly runner: ApiKeyCommandRunner,
  ) {}

  /** Takes the values, all or none; answers how many. */
  accept(values: readonly string[], correlationId: string): number {
    if (this.pending.length + this.retries.size + values.length > MAX_PENDING_LEAKED_VALUES) throw new LeakReportsBusyError();
    for (const value of values) this.pending.push({ value, correlationId, attempts: 0 });
    this.startDraining();
    return values.length;
  }

  /** Resolves once every value accepted so far is checked, retries included (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    while (this.draining || this.retries.size > 0) {
      await this.draining;
      await Promise.all([...this.retries].map((retry) => retry.done));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.pending.length = 0;
    for (const retry of this.retries) {
      clearTimeout(retry.timer);
      retry.release();
    }
    this.retries.clear();
    await this.draining;
  }

  private startDraining(): void {
    if (this.stopped) return;
    // A value accepted after drain() left its loop, but before this clears `draining`, still gets checked.
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.pending.length > 0) this.startDraining();
    });
  }

  private retryLater(item: PendingValue, seconds: number): void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const retry: Retry = {
      timer: setTimeout(() => {
        this.retries.delete(retry);
        if (!this.stopped) {
          this.pending.push(item);
          this.startDraining();
        }
        release();
      }, Math.max(0, seconds) * 1000),
      done,
      release,
    };
    retry.timer.unref();
    this.retries.add(retry);
  }

  private async drain(): Promise<void> {
    // Yield first: the answer goes out before any value is looked at.
    await new Promise((resolve) => setImmediate(resolve));
    for (let next = this.pending.shift(); next && !this.stopped; next = this.pending.shift()) {
      await this.check(next);
    }
  }

  private async check(item: PendingValue): Promise<void> {
    const { value, correlationId } = item;
    this.counts.checked++;
    try {
      // Reporting a value is not using it: no last-used (it would hide the key from unusedForDays).
      const outcome = await this.verifier.verify(value);
      if (outcome.code === 'RATE_LIMITED') {
        const attempts = item.attempts + 1;
        if (attempts < MAX_LEAKED_VALUE_ATTEMPTS) this.retryLater({ ...item, attempts }, outcome.retryAfterSeconds);
        else this.logger.warn(`A leaked-key report for key ${outcome.key.keyId} of tenant ${outcome.key.tenantId} was given up: its guessing budget stayed spent`);
        return;
      }
      if (!outcome.valid) return;
      const { keyId, tenantId } = outcome.key;
      const result = await this.runner.run(keyId, (now) => ({ type: 'ReportLeakedKey', caller: { kind: 'system', tenantId }, keyId, now }), { correlationId });
      if (result.changed) {
        this.counts.revoked++;
        this.logger.warn(`Key ${keyId} of tenant ${tenantId} was reported leaked and is revoked`);
      }
    } catch (error) {
      this.logger.error(`A leaked-key report could not be checked: ${describeError(error)}`);
    }
  }
}
