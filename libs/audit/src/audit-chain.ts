import { createHash } from 'node:crypto';

/**
 * The tamper-evidence of the audit trail: each tenant's entries form a hash chain.
 *
 *   hash = hex(sha256(prev_hash ‖ JSON.stringify([tenant_id, seq, event_id, key_uid, actor_uid,
 *                                                 action, occurred_at, cloud_event])))
 *
 * where `prev_hash` is the previous entry's hash (GENESIS_HASH before the first entry), `seq`
 * counts the tenant's entries from 1, and `cloud_event` is the stored text of the CloudEvent as
 * canonical JSON (keys sorted at every level). Every stored column is covered, so editing any of
 * them breaks the chain at that entry, deleting one leaves a sequence gap, and rewriting an entry's
 * hash to match breaks the link to the next. Truncating the newest entries is the one edit a chain
 * cannot reveal alone; anchor the head hash elsewhere (`audit verify` prints it) to catch that too.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  tenantId: string;
  seq: number;
  eventId: string;
  keyUid: string;
  actorUid: string;
  action: string;
  occurredAt: string;
  /** Canonical JSON text of the CloudEvent, exactly as stored. */
  cloudEvent: string;
}

export function chainHash(prevHash: string, entry: ChainedFields): string {
  const fields = [entry.tenantId, entry.seq, entry.eventId, entry.keyUid, entry.actorUid, entry.action, entry.occurredAt, entry.cloudEvent];
  return createHash('sha256').update(prevHash).update(JSON.stringify(fields)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

export type BrokenLinkReason =
  /** The entry's content does not hash to its stored hash: it was edited. */
  | 'hash-mismatch'
  /** The entry does not point at the previous entry's hash: the previous one was rewritten or replaced. */
  | 'prev-hash-mismatch'
  /** Sequence numbers jump: entries before this one were deleted. */
  | 'sequence-gap';

export interface StoredLink extends ChainedFields {
  prevHash: string;
  hash: string;
}

/** Why `entry` does not follow an entry with `previous` hash and seq, or undefined when it does. */
export function brokenLink(entry: StoredLink, previous: { seq: number; hash: string }): BrokenLinkReason | undefined {
  if (entry.seq !== previous.seq + 1) return 'sequence-gap';
  if (entry.prevHash !== previous.hash) return 'prev-hash-mismatch';
  if (chainHash(entry.prevHash, entry) !== entry.hash) return 'hash-mismatch';
  return undefined;
}
