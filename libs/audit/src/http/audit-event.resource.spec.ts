import { describe, expect, it } from 'vitest';
import { decodeAuditedEvent } from '@keystream/api-keys';
import { toAuditMessages } from '@keystream/audit-bus';
import type { RecordedEvent } from '@keystream/event-store';
import type { AuditCloudEvent } from '@keystream/audit-bus';
import { toAuditEventResource } from './audit-event.resource.js';
import { auditEvent } from '../contract/audit-store.fixtures.js';
import type { AuditEntry } from '../audit-store.port.js';

const policySet: RecordedEvent = {
  id: '8a0e6f2c-1b3d-4c5e-9f70-2a1b3c4d5e6f',
  type: 'TenantKeyPolicySet',
  streamName: 'tenant-acme',
  revision: 0n,
  position: { commit: 3n, prepare: 3n },
  data: { tenantId: 'acme', maxKeyLifetimeDays: 30, maxKeysPerUser: 4, requireDescription: false, setAt: '2026-12-03T10:00:00.000Z' },
  metadata: { schemaVersion: 1, tenantId: 'acme', actor: { userId: 'root', via: 'jwt' }, correlationId: 'c', occurredAt: '2026-12-03T10:00:00.000Z' },
  recordedAt: new Date('2026-12-03T10:00:00.000Z'),
};

describe('an audit entry for a tenant policy change, as GET /v1/audit/events shows it', () => {
  it('carries the policy as set; its keyUid is the subject, tenant/<uid>, so the trail filters by it', () => {
    const [message] = toAuditMessages([policySet], decodeAuditedEvent);
    const event = message!.event;
    const resource = toAuditEventResource({
      tenantId: 'acme', seq: 1, eventId: event.id, keyUid: event.subject, actorUid: 'root', action: 'policy-set', occurredAt: event.time, event, prevHash: '', hash: 'h',
    });
    expect(resource).toMatchObject({ action: 'policy-set', keyUid: 'tenant/acme', ownerUid: '', actor: { userUid: 'root', via: 'jwt' }, policy: { maxKeyLifetimeDays: 30, maxKeysPerUser: 4, requireDescription: false } });
  });
});

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
