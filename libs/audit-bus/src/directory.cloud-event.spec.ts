import { describe, expect, it } from 'vitest';
import { DIRECTORY_USER_EVENT_TYPES, type DirectoryUserEvent, decodeRelayedEvent, toDirectoryEventToAppend } from '@keystream/directory';
import { InMemoryEventStore, type RecordedEvent } from '@keystream/event-store';
import { fromKafkaMessage, toKafkaMessage } from './adapters/kafka/cloud-event.kafka-binding.js';
import { AUDIT_RELAY_FILTER, toAuditMessages } from './audit-relay.js';
import { AUDIT_ACTIONS } from './cloud-event.js';

const ids = { tenantId: 'acme', userId: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', userName: 'bob@acme.test' };
const at = '2026-12-03T10:00:00.000Z';
const profile = { name: { givenName: 'Bob' }, emails: [{ value: 'bob@acme.test', primary: true }], password: 'never-stored-but-never-relayed' };

/** One event of each directory type, as the SCIM endpoints record them. */
const EVENTS: DirectoryUserEvent[] = [
  { type: 'DirectoryUserProvisioned', data: { ...ids, externalId: 'okta-00u1', active: true, profile, provisionedAt: at } },
  { type: 'DirectoryUserReplaced', data: { ...ids, userName: 'robert@acme.test', previousUserName: 'bob@acme.test', externalId: 'okta-00u1', profile, replacedAt: at } },
  { type: 'DirectoryUserAdminGranted', data: { ...ids, grantedAt: at } },
  { type: 'DirectoryUserAdminRevoked', data: { ...ids, revokedAt: at } },
  { type: 'DirectoryUserDeactivated', data: { ...ids, deactivatedAt: at } },
  { type: 'DirectoryUserReactivated', data: { ...ids, reactivatedAt: at } },
  { type: 'DirectoryUserDeleted', data: { ...ids, deletedAt: at } },
];

const recorded = (event: DirectoryUserEvent, revision: number): RecordedEvent => {
  const toAppend = toDirectoryEventToAppend(event, { eventId: `e-${revision}`, now: new Date(at), correlationId: `c-${revision}` });
  return {
    ...toAppend,
    streamName: `scim-user-acme-${ids.userId}`,
    revision: BigInt(revision),
    position: { commit: BigInt(revision), prepare: BigInt(revision) },
    recordedAt: new Date('2026-12-03T10:00:00.100Z'),
  } as RecordedEvent;
};

describe('directory events on the audit topic', () => {
  const messages = toAuditMessages(EVENTS.map(recorded), decodeRelayedEvent);

  it('maps every directory event type to its own io.keystream.directory.* CloudEvent, keyed by the user (SCIM id) of the tenant', () => {
    expect(EVENTS.map((event) => event.type).sort()).toEqual([...DIRECTORY_USER_EVENT_TYPES].sort());
    expect(messages.map((message) => message.event.type)).toEqual([
      'io.keystream.directory.user-provisioned.v1',
      'io.keystream.directory.user-replaced.v1',
      'io.keystream.directory.user-admin-granted.v1',
      'io.keystream.directory.user-admin-revoked.v1',
      'io.keystream.directory.user-deactivated.v1',
      'io.keystream.directory.user-reactivated.v1',
      'io.keystream.directory.user-deleted.v1',
    ]);
    for (const message of messages) {
      expect(message.key).toBe(`tenant/acme/user/${ids.userId}`);
      expect(message.event).toMatchObject({ subject: message.key, tenantid: 'acme', time: at });
      expect(AUDIT_ACTIONS).toContain(message.event.data.action);
    }
  });

  it('carries the user and the identity provider as actor, and nothing of the profile', () => {
    const [provisioned, renamed, granted] = messages;
    expect(provisioned!.event).toEqual({
      specversion: '1.0',
      id: 'e-0',
      source: '/keystream/api-keys',
      type: 'io.keystream.directory.user-provisioned.v1',
      subject: `tenant/acme/user/${ids.userId}`,
      time: at,
      datacontenttype: 'application/json',
      tenantid: 'acme',
      data: {
        action: 'user-provisioned',
        tenantUid: 'acme',
        keyUid: '',
        ownerUid: 'bob@acme.test',
        actor: { userUid: 'scim', via: 'scim' },
        revision: 0,
        correlationId: 'c-0',
        user: { id: ids.userId, userName: 'bob@acme.test', externalId: 'okta-00u1', active: true },
      },
    });
    expect(renamed!.event.data).toMatchObject({ ownerUid: 'robert@acme.test', user: { userName: 'robert@acme.test', previousUserName: 'bob@acme.test' } });
    expect(granted!.event.data.user).toEqual({ id: ids.userId, userName: 'bob@acme.test' });
    for (const message of messages) {
      const bytes = JSON.stringify(toKafkaMessage(message));
      for (const personal of ['Bob"', 'never-stored', 'password', 'emails', 'givenName']) expect(bytes).not.toContain(personal);
    }
  });

  it('survives the Kafka binding both ways (the consumer reads it back as it was published)', () => {
    for (const message of messages) expect(fromKafkaMessage(toKafkaMessage(message))).toEqual(message.event);
  });

  it("the relay reads the directory's user streams beside the keys' and tenants'", async () => {
    const store = new InMemoryEventStore();
    const event = recorded(EVENTS[0]!, 0);
    await store.appendToStream(event.streamName, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], 'no_stream');
    await store.appendToStream('other-acme', [{ id: 'e2', type: 'Unrelated', data: {}, metadata: {} }], 'no_stream');
    const { events } = await store.readAll({ maxCount: 10, filter: AUDIT_RELAY_FILTER });
    expect(events.map((found) => found.streamName)).toEqual([event.streamName]);
  });
});
