import type { Insertable, Selectable } from 'kysely';
import type { AuditAction, AuditCloudEvent } from '@keystream/audit-bus';
import { type StoredLink, canonicalJson, chainHash } from '../../audit-chain.js';
import type { AuditEntry } from '../../audit-store.port.js';
import type { AuditEventsTable } from './audit.schema.js';

type Row = Selectable<AuditEventsTable>;
export type NewRecord = Insertable<AuditEventsTable>;

/** The row that appends `event` after `head` in its tenant's chain. */
export function chained(event: AuditCloudEvent, head: { seq: number; hash: string }): NewRecord & { seq: number } {
  const fields = {
    tenantId: event.tenantid,
    seq: head.seq + 1,
    eventId: event.id,
    keyUid: event.subject,
    actorUid: event.data.actor.userUid,
    action: event.data.action,
    occurredAt: new Date(event.time).toISOString(),
    cloudEvent: canonicalJson(event),
  };
  const hash = chainHash(head.hash, fields);
  return {
    tenant_id: fields.tenantId,
    seq: fields.seq,
    event_id: fields.eventId,
    key_uid: fields.keyUid,
    actor_uid: fields.actorUid,
    action: fields.action,
    occurred_at: fields.occurredAt,
    cloud_event: fields.cloudEvent,
    prev_hash: head.hash,
    hash,
  };
}

export function toLink(record: Row): StoredLink {
  return {
    tenantId: record.tenant_id,
    seq: Number(record.seq),
    eventId: record.event_id,
    keyUid: record.key_uid,
    actorUid: record.actor_uid,
    action: record.action,
    occurredAt: record.occurred_at,
    cloudEvent: record.cloud_event,
    prevHash: record.prev_hash,
    hash: record.hash,
  };
}

export function toEntry(record: Row): AuditEntry {
  const { cloudEvent, ...link } = toLink(record);
  return { ...link, action: link.action as AuditAction, event: JSON.parse(cloudEvent) as AuditCloudEvent };
}
