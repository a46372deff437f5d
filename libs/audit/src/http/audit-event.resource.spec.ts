import { describe, expect, it } from 'vitest';
import type { AuditCloudEvent } from '@keystream/audit-bus';
import { auditEvent } from '../contract/audit-store.fixtures.js';
import type { AuditEntry } from '../audit-store.port.js';
import { toAuditEventResource } from './audit-event.resource.js';

const entryOf = (event: AuditCloudEvent): AuditEntry => ({
  tenantId: event.tenantid,
  seq: 1,
  eventId: event.id,
  keyUid: event.data.keyUid,
  actorUid: event.data.actor.userUid,
  action: event.data.action,
  occurredAt: event.time,
  event,
  prevHash: '',
  hash: 'h',
});

describe('an audit event as GET /v1/audit/events shows it', () => {
  it("shows a leak revocation's reason and an expiry notice's stage (issue 13)", () => {
    const revoked = auditEvent({ action: 'revoked' });
    revoked.data.reason = 'leaked';
    expect(toAuditEventResource(entryOf(revoked))).toMatchObject({ action: 'revoked', reason: 'leaked' });
    const soon = auditEvent({ action: 'expiring-soon' });
    soon.data.notice = { expiry: '2027-01-01T00:00:00.000Z', daysBefore: 7 };
    expect(toAuditEventResource(entryOf(soon))).toMatchObject({ action: 'expiring-soon', notice: { expiry: '2027-01-01T00:00:00.000Z', daysBefore: 7 } });
    const plain = toAuditEventResource(entryOf(auditEvent({ action: 'revoked' })));
    expect(plain).not.toHaveProperty('reason');
    expect(plain).not.toHaveProperty('notice');
  });
});
