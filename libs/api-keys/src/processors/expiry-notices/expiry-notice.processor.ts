import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '@keystream/clock';
import { type EventStore, decideAndAppend } from '@keystream/event-store';
import { API_KEY_FOLD } from '../../application/api-key-fold.js';
import { toEventToAppend } from '../../application/event-envelope.js';
import { type NoteExpiry, apiKeyStreamName, decide } from '../../domain/index.js';
import type { ExpiryNoticeQueries } from '../../views/expiry-notices/expiry-notices.queries.js';
import type { ExpiryNoticeRow } from '../../views/expiry-notices/expiry-notices.row.js';

export interface ExpiryNoticeLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface ExpiryNoticeOptions {
  /** Pause between passes. */
  intervalMs?: number;
  /** Due keys read per query. */
  pageSize?: number;
}

/**
 * Records the expiry notices that fall due (KeyExpiringSoon at 30, 7 and 1 days, KeyExpired at
 * expiry), for a mailer on the audit topic. Runs on the processing lease holder only (a LeaderTask).
 *
 * Each pass asks the notice view which keys are due (never the log), then for each key does what a
 * command handler does: read its stream, fold, decide `NoteExpiry` with the Clock's time, append at
 * the revision read. The stream, not the view, decides: a notice the view does not show yet is in
 * the stream, so the decision is "nothing". Two instances (a lease hand-over, a stale leader) that
 * decide from the same revision cannot both append: the expected revision refuses the second, and
 * the event ids are derived from key and revision, so the store also takes a resend as the same
 * append. Stopped at any point, the next pass resumes from the view: nothing is remembered in memory.
 */
export class ExpiryNoticeProcessor {
  readonly name = 'expiry-notices';

  constructor(
    private readonly eventStore: EventStore,
    private readonly queries: ExpiryNoticeQueries,
    private readonly clock: Clock,
    private readonly logger: ExpiryNoticeLogger,
    private readonly options: ExpiryNoticeOptions = {},
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const recorded = await this.pass(signal);
        if (recorded > 0) this.logger.info({ recorded }, 'expiry notices recorded');
      } catch (error) {
        if (signal.aborted) break;
        this.logger.warn({ err: error }, 'expiry-notice pass failed; retrying at the next one');
      }
      await sleep(this.options.intervalMs ?? 60_000, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * One pass over every key due now; returns how many notices this instance recorded. Once `signal`
   * aborts (the lease is lost), it stops before the next key or page with the signal's reason: a
   * stale leader records nothing more, and the next lease holder's pass resumes from the view.
   */
  async pass(signal?: AbortSignal): Promise<number> {
    const now = this.clock.now();
    const pageSize = this.options.pageSize ?? 200;
    let recorded = 0;
    let after: { keyId: string; nextNoticeAt: string } | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const rows = await this.queries.dueForNotice(now, pageSize, after);
      for (const row of rows) {
        signal?.throwIfAborted();
        recorded += await this.note(row, now);
      }
      const last = rows.at(-1);
      if (rows.length < pageSize || !last?.nextNoticeAt) return recorded;
      after = { keyId: last.keyId, nextNoticeAt: last.nextNoticeAt };
    }
  }

  private async note(row: ExpiryNoticeRow, now: Date): Promise<number> {
    const stream = apiKeyStreamName(row.keyId);
    const command: NoteExpiry = { type: 'NoteExpiry', caller: { kind: 'system', tenantId: row.tenantId }, keyId: row.keyId, now };
    const outcome = await decideAndAppend(this.eventStore, API_KEY_FOLD, {
      streamName: stream,
      decide: (state) => decide(command, state),
      toAppend: (events, current) =>
        events.map((event, index) =>
          toEventToAppend(event, { eventId: noticeEventId(row.keyId, current, index), caller: command.caller, now, correlationId: `expiry-notice:${row.keyId}:${current}` }),
        ),
    });
    return outcome.kind === 'appended' ? outcome.events.length : 0;
  }
}

/**
 * A UUID (version 8, RFC 9562's name-based custom layout over SHA-256) for the notice decided at
 * `revision` of the key's stream: every instance deciding from the same revision names it alike.
 */
export const noticeEventId = (keyId: string, revision: bigint, index: number): string => {
  const bytes = createHash('sha256').update(`keystream:expiry-notice:${keyId}:${revision}:${index}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
