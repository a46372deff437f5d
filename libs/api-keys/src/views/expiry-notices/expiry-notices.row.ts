import type { NoticeStage } from '../../domain/index.js';

/** Where a key stands with its expiry notices: what the notice processor asks for "which keys are due". */
export interface ExpiryNoticeRow {
  keyId: string;
  tenantId: string;
  /** RFC 3339 UTC with milliseconds. */
  expiresAt: string;
  /** The most urgent notice recorded for this expiry; undefined before the first. */
  noticed: NoticeStage | undefined;
  /** False once revoked or deleted: such keys get no notices. */
  active: boolean;
  /** When the next notice falls due; undefined when none will (inactive, or the expiry itself noticed). */
  nextNoticeAt: string | undefined;
  /** The key stream's revision last applied; an event at or below it is a replay and is skipped. */
  revision: number;
}
