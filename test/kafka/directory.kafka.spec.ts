import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DIRECTORY_AUDIT_ACTIONS, auditEventType, parseBrokers } from '@keystream/audit-bus';
import { issueScimToken } from '@keystream/directory';
import { KafkaTopicReader, deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { DirectoryActivity } from './support/directory-activity.js';
import { type IssuedKey, KeyActivity, admin } from './support/key-activity.js';
import { type Workspace, openStores, relayCaughtUp, startConsumer, startRelay, workspace } from './support/audit-pipeline.js';

const brokers = parseBrokers(inject('kafkaBrokers'));
const profile = { name: { givenName: 'Bob', familyName: 'Builder' }, emails: [{ value: 'bob.private@example.test', primary: true }] };

describe("a tenant's SCIM directory, relayed to a real Kafka broker and kept in the audit trail", () => {
  let space: Workspace;
  let stores: Awaited<ReturnType<typeof openStores>>;
  let relay: ReturnType<typeof startRelay>;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let reader: KafkaTopicReader;
  let key: IssuedKey;
  // The identity provider's bearer token: it authenticates the SCIM calls and must never travel on.
  const scimToken = issueScimToken();
  const userId = randomUUID();

  beforeAll(async () => {
    space = workspace();
    stores = await openStores(space);
    const directory = new DirectoryActivity(stores.eventStore, 'acme');
    // Every directory event type once, in the order an identity provider would cause them.
    await directory.provision(userId, { userName: 'bob', externalId: 'okta-00u1', active: true, profile });
    key = await new KeyActivity(stores.eventStore).create(admin('acme', 'ada'), 'bob', 'deploy');
    await directory.replace(userId, { userName: 'robert', externalId: 'okta-00u1', active: true, profile });
    await directory.setAdmin(userId, true);
    await directory.setAdmin(userId, false);
    await directory.setActive(userId, false);
    await directory.setActive(userId, true);
    await directory.delete(userId);
    relay = startRelay(stores.eventStore, stores.readModel, brokers, space.topic);
    consumer = await startConsumer(stores.audit, brokers, space.topic);
    await relayCaughtUp(stores.eventStore, stores.readModel);
    reader = await KafkaTopicReader.start(brokers, space.topic);
    await reader.waitFor(8);
  });

  afterAll(async () => {
    await reader?.close();
    await consumer?.stop();
    await relay?.stop();
    await stores?.close();
    await deleteTopics(brokers, [space.topic]);
    space?.remove();
  });

  it('publishes each directory event type exactly once, keyed by the user of the tenant, in the stream order', () => {
    expect(reader.raw).toHaveLength(8);
    const directoryMessages = reader.decoded().filter((message) => message.event.type.startsWith('io.keystream.directory.'));
    expect(directoryMessages.map((message) => message.event.type).sort()).toEqual(DIRECTORY_AUDIT_ACTIONS.map(auditEventType).sort());
    expect(directoryMessages.map((message) => [message.key, message.event.data.revision, message.event.data.action])).toEqual([
      [`tenant/acme/user/${userId}`, 0, 'user-provisioned'],
      [`tenant/acme/user/${userId}`, 1, 'user-replaced'],
      [`tenant/acme/user/${userId}`, 2, 'user-admin-granted'],
      [`tenant/acme/user/${userId}`, 3, 'user-admin-revoked'],
      [`tenant/acme/user/${userId}`, 4, 'user-deactivated'],
      [`tenant/acme/user/${userId}`, 5, 'user-reactivated'],
      [`tenant/acme/user/${userId}`, 6, 'user-deleted'],
    ]);
    expect(directoryMessages[1]!.event.data).toMatchObject({ ownerUid: 'robert', actor: { userUid: 'scim', via: 'scim' }, user: { id: userId, userName: 'robert', previousUserName: 'bob', externalId: 'okta-00u1' } });
  });

  it('carries no key or token material, nor the SCIM profile, in the raw bytes', () => {
    const [, , salt, derived] = key.secretHash.split('$');
    for (const message of reader.raw) {
      const bytes = Buffer.concat([message.key ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0), ...Object.values(message.headers).map((value) => Buffer.from(value as Buffer))]);
      for (const secret of [key.value, key.secretHash, salt!, derived!, scimToken.token, scimToken.sha256, 'bob.private@example.test', 'Builder']) {
        expect(bytes.includes(secret)).toBe(false);
      }
    }
  });

  it("is stored in the tenant's audit trail by the consumer, filterable by action and by the user's subject, the chain intact", async () => {
    const page = await waitUntil('eight entries', () => stores.audit.query({ tenantId: 'acme', limit: 20 }), (found) => found.entries.length === 8, { timeoutMs: 30_000 });
    expect(page.entries.filter((entry) => entry.keyUid === `tenant/acme/user/${userId}`)).toHaveLength(7);
    expect((await stores.audit.query({ tenantId: 'acme', action: 'user-deactivated', limit: 10 })).entries.map((entry) => entry.event.data.user?.userName)).toEqual(['robert']);
    expect(await stores.audit.verifyChain('acme')).toMatchObject({ ok: true, entries: 8 });
  });
});
