import type { NoticeDays } from './api-key.events.js';
import { DAY_MS } from './expiry.js';

/**
 * When a key's owner hears about its expiry: 30, 7 and 1 days before, and at expiry (stage 0, the
 * KeyExpired event). A key's state remembers the most urgent stage already noticed for its current
 * expiry; an edit that moves the expiry forgets it, so the notices for the new expiry come again.
 *
 * When several stages are due at once (a key created 5 days before its expiry, or a processor that
 * was down for a week), only the most urgent one is noticed and the others are skipped: one
 * "expires within 1 day" rather than three notices in a row.
 */
export const NOTICE_DAYS: readonly NoticeDays[] = [30, 7, 1];

/** A notice stage: days before expiry, 0 being the expiry itself. */
export type NoticeStage = NoticeDays | 0;

const STAGES_MOST_URGENT_FIRST: readonly NoticeStage[] = [0, 1, 7, 30];

const dueAt = (expiresAt: string, stage: NoticeStage): number => new Date(expiresAt).getTime() - stage * DAY_MS;

/** The most urgent stage due at `now` that is more urgent than the one already noticed, if any. */
export const dueNotice = (expiresAt: string, noticed: NoticeStage | undefined, now: Date): NoticeStage | undefined => {
  const due = STAGES_MOST_URGENT_FIRST.find((stage) => dueAt(expiresAt, stage) <= now.getTime());
  if (due === undefined) return undefined;
  return noticed === undefined || due < noticed ? due : undefined;
};

/** When the next notice falls due (it may be in the past: it is due now); undefined once expiry itself was noticed. */
export const nextNoticeAt = (expiresAt: string, noticed: NoticeStage | undefined): string | undefined => {
  const next = [...STAGES_MOST_URGENT_FIRST].reverse().find((stage) => noticed === undefined || stage < noticed);
  return next === undefined ? undefined : new Date(dueAt(expiresAt, next)).toISOString();
};
