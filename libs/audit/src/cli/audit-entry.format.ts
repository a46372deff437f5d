import type { AuditEntry } from '../audit-store.port.js';
import type { ChainVerification } from '../audit-store.port.js';

const REASONS = {
  'hash-mismatch': 'its content no longer matches its hash: the entry was edited after it was stored',
  'prev-hash-mismatch': 'it does not link to the entry before it: that entry was rewritten or replaced',
  'sequence-gap': 'entries before it are missing: they were deleted',
} as const;

/** One line per entry, for `audit tail`: `#12  <time>  revoked      key <uid>  by <user> (<via>)  <changes>`. */
export function formatEntry(entry: AuditEntry): string {
  const { actor, changes } = entry.event.data;
  const by = `${actor.userUid} (${actor.via}${actor.keyUid ? ` key ${actor.keyUid}` : ''})`;
  const changed = Object.entries(changes ?? {})
    .map(([field, change]) => `${field}: ${JSON.stringify(change?.before)} → ${JSON.stringify(change?.after)}`)
    .join(', ');
  return [`#${entry.seq}`, entry.occurredAt, entry.action.padEnd(11), `key ${entry.keyUid}`, `by ${by}`, changed].filter(Boolean).join('  ');
}

export function formatVerification(result: ChainVerification): string {
  if (result.ok) {
    return result.entries === 0
      ? `tenant ${result.tenantId}: no audit entries`
      : `tenant ${result.tenantId}: audit chain intact, ${result.entries} entries, head hash ${result.headHash}`;
  }
  const { seq, eventId, reason } = result.broken;
  return (
    `tenant ${result.tenantId}: audit chain BROKEN at seq ${seq} (event ${eventId}): ${REASONS[reason]}. ` +
    `The ${result.entries} entries before it verify.`
  );
}
