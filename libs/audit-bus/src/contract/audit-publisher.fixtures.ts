import { randomUUID } from 'node:crypto';
import type { AuditMessage } from '../audit-publisher.port.js';
import { type AuditAction, type AuditEventData, auditEventType, DEFAULT_AUDIT_SOURCE } from '../cloud-event.js';

/** A well-formed audit message for key `keyUid`; `revision` orders one key's messages. */
export function auditMessage(keyUid: string, revision: number, overrides: Partial<AuditEventData> = {}): AuditMessage {
  const action: AuditAction = overrides.action ?? (revision === 0 ? 'created' : 'revoked');
  const data: AuditEventData = {
    action,
    tenantUid: 'tenant-a',
    keyUid,
    ownerUid: 'user-1',
    actor: { userUid: 'user-1', via: 'jwt' },
    revision,
    correlationId: randomUUID(),
    ...overrides,
  };
  return {
    key: keyUid,
    event: {
      specversion: '1.0',
      id: randomUUID(),
      source: DEFAULT_AUDIT_SOURCE,
      type: auditEventType(action),
      subject: keyUid,
      time: new Date(Date.UTC(2026, 10, 22, 10, 0, revision)).toISOString(),
      datacontenttype: 'application/json',
      tenantid: data.tenantUid,
      data,
    },
  };
}
