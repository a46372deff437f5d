import { randomUUID } from 'node:crypto';
import { type AuditAction, type AuditCloudEvent, DEFAULT_AUDIT_SOURCE, auditEventType } from '@keystream/audit-bus';

export interface EventShape {
  tenant?: string;
  key?: string;
  revision?: number;
  action?: AuditAction;
  actor?: string;
  /** The key's owner (`user-1` unless given; empty for a tenant's own event). */
  owner?: string;
  /** Minutes after 2026-11-22T10:00Z. */
  minute?: number;
}

/** A CloudEvent as the audit consumer receives it. */
export function auditEvent({ tenant = 'tenant-a', key = 'key-1', revision = 0, action, actor = 'user-1', owner = 'user-1', minute = 0 }: EventShape = {}): AuditCloudEvent {
  const resolved = action ?? (revision === 0 ? 'created' : 'revoked');
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: DEFAULT_AUDIT_SOURCE,
    type: auditEventType(resolved),
    subject: key,
    time: new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString(),
    datacontenttype: 'application/json',
    tenantid: tenant,
    data: {
      action: resolved,
      tenantUid: tenant,
      keyUid: key,
      ownerUid: owner,
      actor: { userUid: actor, via: 'jwt' },
      revision,
      ...(resolved === 'edited' ? { changes: { name: { before: 'old', after: 'new' } } } : {}),
    },
  };
}

/** `count` events of one tenant over a few keys, in per-key revision order. */
export function eventsOf(tenant: string, count: number, keys = 3): AuditCloudEvent[] {
  return Array.from({ length: count }, (_, i) =>
    auditEvent({ tenant, key: `${tenant}-key-${i % keys}`, revision: Math.floor(i / keys), minute: i }),
  );
}
