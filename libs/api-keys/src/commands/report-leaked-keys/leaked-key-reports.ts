import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { describeError } from '@keystream/store-errors';
import { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import { KeyVerifier } from '../../application/key-verifier.js';
import { LeakReportsBusyError } from './report-leaked-keys.errors.js';

/** Values accepted but not yet checked, across reports; a report that would pass it is refused whole (503). */
export const MAX_PENDING_LEAKED_VALUES = 20_000;

/**
 * Checks reported values after the answer is sent, one at a time, so the answer (202 and a count)
 * takes the same time and says the same thing whatever the values are, and a report of 1,000 values
 * cannot take the request path's CPU. Each value goes through the one key verifier: format and
 * checksum first, then the key id's row, then scrypt, spending the key id's guessing budget exactly
 * as a request with that value would. Only a value that verifies (the key works, the secret matches)
 * leads to the ReportLeakedKey command; nothing else leaves a trace.
 *
 * The values live only in this queue's memory until checked: never stored, never logged (log lines
 * name a revoked key's id, not the value). Values waiting when the process stops are lost; the
 * reporter resends (scanners do), which is the price of never writing a value down.
 */
@Injectable()
export class LeakedKeyReports implements OnApplicationShutdown {
  private readonly logger = new Logger(LeakedKeyReports.name);
  private readonly pending: { value: string; correlationId: string }[] = [];
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
    if (this.pending.length + values.length > MAX_PENDING_LEAKED_VALUES) throw new LeakReportsBusyError();
    for (const value of values) this.pending.push({ value, correlationId });
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return values.length;
  }

  /** Resolves once every value accepted so far is checked (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.pending.length = 0;
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Yield first: the answer goes out before any value is looked at.
    await new Promise((resolve) => setImmediate(resolve));
    for (let next = this.pending.shift(); next && !this.stopped; next = this.pending.shift()) {
      await this.check(next.value, next.correlationId);
    }
  }

  private async check(value: string, correlationId: string): Promise<void> {
    this.counts.checked++;
    try {
      // Reporting a value is not using it: no last-used (it would hide the key from unusedForDays).
      const outcome = await this.verifier.verify(value, { record: false });
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
