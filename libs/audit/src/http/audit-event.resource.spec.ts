import { describe, expect, it } from 'vitest';
import { decodeAuditedEvent } from '@keystream/api-keys';
import { toAuditMessages } from '@keystream/audit-bus';
import type { RecordedEvent } from '@keystream/event-store';
import { toAuditEventResource } from './audit-event.resource.js';

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
