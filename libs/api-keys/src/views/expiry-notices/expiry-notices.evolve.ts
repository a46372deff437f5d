import { type ApiKeyEvent, type NoticeStage, nextNoticeAt } from '../../domain/index.js';
import type { ExpiryNoticeRow } from './expiry-notices.row.js';

const settle = (row: Omit<ExpiryNoticeRow, 'nextNoticeAt'>): ExpiryNoticeRow => ({
  ...row,
  nextNoticeAt: row.active ? nextNoticeAt(row.expiresAt, row.noticed) : undefined,
});

/** The notice row after one event; the same stage rules as the decider (domain/expiry-notices.ts). */
export const evolveExpiryNotice = (row: ExpiryNoticeRow | undefined, event: ApiKeyEvent, revision: number): ExpiryNoticeRow | undefined => {
  if (event.type === 'KeyCreated') {
    const { keyId, tenantId, expiresAt } = event.data;
    return settle({ keyId, tenantId, expiresAt, noticed: undefined, active: true, revision });
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'KeyEdited': {
      const moved = event.data.changes.expiresAt?.after;
      return moved === undefined ? { ...row, revision } : settle({ ...row, expiresAt: moved, noticed: undefined, revision });
    }
    case 'KeyRevoked':
    case 'KeyDeleted':
      return settle({ ...row, active: false, revision });
    case 'KeyReactivated':
      return settle({ ...row, active: true, revision });
    case 'KeyExpiringSoon':
      return settle({ ...row, noticed: event.data.daysBefore, revision });
    case 'KeyExpired':
      return settle({ ...row, noticed: 0 satisfies NoticeStage, revision });
    case 'KeyLeakReported':
    case 'KeyRotated':
      // A rotation keeps the key's expiry (and its notices); only the revision follows the stream.
      return { ...row, revision };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
