import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TenantKeyPolicies } from '@keystream/api-keys';
import { parseBrokers } from '@keystream/audit-bus';
import { FixedClock } from '@keystream/clock';
import { RandomIdGenerator } from '@keystream/secrets';
import { KafkaTopicReader, deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { type IssuedKey, KeyActivity, admin } from './support/key-activity.js';
import { type Workspace, openStores, relayCaughtUp, startConsumer, startRelay, workspace } from './support/audit-pipeline.js';

const brokers = parseBrokers(inject('kafkaBrokers'));

describe("a tenant's API key policy, relayed to a real Kafka broker and kept in the audit trail", () => {
  let space: Workspace;
  let stores: Awaited<ReturnType<typeof openStores>>;
  let relay: ReturnType<typeof startRelay>;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let reader: KafkaTopicReader;
  let policies: TenantKeyPolicies;
  let key: IssuedKey;

  beforeAll(async () => {
    space = workspace();
    stores = await openStores(space);
    key = await new KeyActivity(stores.eventStore).create(admin('acme', 'ada'), 'bob', 'deploy');
    policies = new TenantKeyPolicies(stores.eventStore, { maxLifetimeDays: 365, maxKeysPerUser: 20 }, new RandomIdGenerator(), new FixedClock(new Date('2026-12-03T10:00:00.000Z')));
    const caller = { kind: 'user', tenantId: 'acme', userId: 'ada', isTenantAdmin: true, via: 'jwt' } as const;
    await policies.set(caller, 'acme', { maxKeyLifetimeDays: 90, maxKeysPerUser: 5, requireDescription: true }, { correlationId: 'policy-1' });
    await policies.set(caller, 'acme', { maxKeyLifetimeDays: null, maxKeysPerUser: 5, requireDescription: true }, { correlationId: 'policy-2' });
    relay = startRelay(stores.eventStore, stores.readModel, brokers, space.topic);
    consumer = await startConsumer(stores.audit, brokers, space.topic);
    await relayCaughtUp(stores.eventStore, stores.readModel);
    reader = await KafkaTopicReader.start(brokers, space.topic);
    await reader.waitFor(3);
  });

  afterAll(async () => {
    policies?.onModuleDestroy();
    await reader?.close();
    await consumer?.stop();
    await relay?.stop();
    await stores?.close();
    await deleteTopics(brokers, [space.topic]);
    space?.remove();
  });

  it('publishes each TenantKeyPolicySet once, as a policy-set CloudEvent keyed by the tenant, in order', () => {
    const policyMessages = reader.decoded().filter((message) => message.event.type === 'io.keystream.apikey.policy-set.v1');
    expect(reader.raw).toHaveLength(3);
    expect(policyMessages.map((message) => [message.key, message.event.subject, message.event.data.revision, message.event.data.policy?.maxKeyLifetimeDays])).toEqual([
      ['tenant/acme', 'tenant/acme', 0, 90],
      ['tenant/acme', 'tenant/acme', 1, 'none'],
    ]);
    expect(policyMessages[0]!.event.data).toMatchObject({ action: 'policy-set', tenantUid: 'acme', keyUid: '', actor: { userUid: 'ada', via: 'jwt' }, correlationId: 'policy-1' });
  });

  it('carries no key material in the raw bytes', () => {
    const [, , salt, derived] = key.secretHash.split('$');
    for (const message of reader.raw) {
      const bytes = Buffer.concat([message.key ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0), ...Object.values(message.headers).map((value) => Buffer.from(value as Buffer))]);
      for (const secret of [key.value, key.secretHash, salt!, derived!]) expect(bytes.includes(secret)).toBe(false);
    }
  });

  it('is stored in the tenant’s audit trail by the consumer, filterable by action, the chain intact', async () => {
    const page = await waitUntil('two policy-set entries', () => stores.audit.query({ tenantId: 'acme', action: 'policy-set', limit: 10 }), (found) => found.entries.length === 2, { timeoutMs: 30_000 });
    expect(page.entries.map((entry) => entry.event.data.policy?.maxKeysPerUser)).toEqual([5, 5]);
    expect(await stores.audit.verifyChain('acme')).toMatchObject({ ok: true, entries: 3 });
  });
});
