import { describe, expect, it } from 'vitest';
import { decodeAuditedEvent } from '@keystream/api-keys';
import { InMemoryEventStore, type RecordedEvent } from '@keystream/event-store';
import { fromKafkaMessage, toKafkaMessage } from './adapters/kafka/cloud-event.kafka-binding.js';
import { AUDIT_RELAY_FILTER, toAuditMessages } from './audit-relay.js';

/** As the composition root hands it to the relay: key events, then tenant policy events. */
const decode = decodeAuditedEvent;

const policyEvent = (maxKeyLifetimeDays: number | null): RecordedEvent => ({
  id: '5d1c9a8e-0f3b-4b8e-a2f7-9c6e1d2b3a41',
  type: 'TenantKeyPolicySet',
  streamName: 'tenant-acme',
  revision: 2n,
  position: { commit: 9n, prepare: 9n },
  data: { tenantId: 'acme', maxKeyLifetimeDays, maxKeysPerUser: 5, requireDescription: true, setAt: '2026-12-03T10:00:00.000Z' },
  metadata: { schemaVersion: 1, tenantId: 'acme', actor: { userId: 'root', via: 'apiKey', keyId: 'k-admin' }, correlationId: 'c-9', occurredAt: '2026-12-03T10:00:00.000Z' },
  recordedAt: new Date('2026-12-03T10:00:00.100Z'),
});

describe('TenantKeyPolicySet on the audit topic', () => {
  it('maps to a policy-set CloudEvent whose subject is the tenant (no key), with the policy and the actor', () => {
    const [message] = toAuditMessages([policyEvent(90)], decode);
    expect(message).toEqual({
      key: 'tenant/acme',
      event: {
        specversion: '1.0',
        id: '5d1c9a8e-0f3b-4b8e-a2f7-9c6e1d2b3a41',
        source: '/keystream/api-keys',
        type: 'io.keystream.apikey.policy-set.v1',
        subject: 'tenant/acme',
        time: '2026-12-03T10:00:00.000Z',
        datacontenttype: 'application/json',
        tenantid: 'acme',
        data: {
          action: 'policy-set',
          tenantUid: 'acme',
          keyUid: '',
          ownerUid: '',
          actor: { userUid: 'root', via: 'apiKey', keyUid: 'k-admin' },
          revision: 2,
          correlationId: 'c-9',
          policy: { maxKeyLifetimeDays: 90, maxKeysPerUser: 5, requireDescription: true },
        },
      },
    });
  });

  it('says "none" for no maximum lifetime, and survives the Kafka binding both ways', () => {
    const [message] = toAuditMessages([policyEvent(null)], decode);
    expect(message!.event.data.policy).toEqual({ maxKeyLifetimeDays: 'none', maxKeysPerUser: 5, requireDescription: true });
    expect(fromKafkaMessage(toKafkaMessage(message!))).toEqual(message!.event);
  });

  it("the relay reads the tenant streams as well as the keys' streams", async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream('tenant-acme', [{ id: 'e1', type: 'TenantKeyPolicySet', data: policyEvent(30).data, metadata: policyEvent(30).metadata }], 'no_stream');
    await store.appendToStream('other-acme', [{ id: 'e2', type: 'Unrelated', data: {}, metadata: {} }], 'no_stream');
    const { events } = await store.readAll({ maxCount: 10, filter: AUDIT_RELAY_FILTER });
    expect(events.map((event) => event.streamName)).toEqual(['tenant-acme']);
  });
});
