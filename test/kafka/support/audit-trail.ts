import { expect } from 'vitest';
import type { AuditEntry, AuditStore } from '@keystream/audit';
import type { EventStore, RecordedEvent } from '@keystream/event-store';

/** Every key event in the store, in commit order. */
export async function storedKeyEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after: RecordedEvent['position'] | undefined; ; ) {
    const page = await store.readAll({ after, maxCount: 1000, filter: { streamNamePrefixes: ['apikey-'] } });
    events.push(...page.events);
    if (page.isEnd) return events;
    after = page.events.at(-1)!.position;
  }
}

/** The tenant's whole trail, in chain order. */
export async function auditTrail(audit: AuditStore, tenantId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let beforeSeq: number | undefined;
  do {
    const page = await audit.query({ tenantId, limit: 500, beforeSeq });
    entries.push(...page.entries);
    beforeSeq = page.nextBeforeSeq;
  } while (beforeSeq !== undefined);
  return entries.reverse();
}

export async function auditCount(audit: AuditStore, tenants: readonly string[]): Promise<number> {
  let total = 0;
  for (const tenant of tenants) total += await audit.count(tenant);
  return total;
}

/**
 * The acceptance condition: the audit table holds exactly the store's key events (same
 * ids, none twice), each key's entries in revision order, and every tenant's chain verifies.
 */
export async function expectAuditTrailToMatchStore(store: EventStore, audit: AuditStore, tenants: readonly string[]): Promise<void> {
  const stored = await storedKeyEvents(store);
  const entries = (await Promise.all(tenants.map((tenant) => auditTrail(audit, tenant)))).flat();
  const ids = entries.map((entry) => entry.eventId);
  expect(new Set(ids).size, 'no event stored twice').toBe(ids.length);
  expect(new Set(ids), 'exactly the events of the store').toEqual(new Set(stored.map((event) => event.id)));
  const revisionsByKey = new Map<string, number[]>();
  for (const entry of entries) revisionsByKey.set(entry.keyUid, [...(revisionsByKey.get(entry.keyUid) ?? []), entry.event.data.revision]);
  for (const [key, revisions] of revisionsByKey) {
    expect(revisions, `key ${key} in revision order`).toEqual(revisions.map((_, i) => i));
  }
  for (const tenant of tenants) expect(await audit.verifyChain(tenant)).toMatchObject({ ok: true });
}
