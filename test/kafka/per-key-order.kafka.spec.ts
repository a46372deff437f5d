import { afterAll, describe, expect, inject, it } from 'vitest';
import { type AuditConsumerRunner } from '@keystream/audit';
import { parseBrokers } from '@keystream/audit-bus';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { KafkaTopicReader, deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { expectAuditTrailToMatchStore, auditCount } from './support/audit-trail.js';
import { KeyActivity, user } from './support/key-activity.js';
import { openStores, relayCaughtUp, startConsumer, startRelay, workspace } from './support/audit-pipeline.js';

const brokers = parseBrokers(inject('kafkaBrokers'));
const TENANTS = ['acme', 'globex'];
const KEYS = 20;
const EVENTS = 1000;

describe('order per key', () => {
  const space = workspace();
  let cleanup: () => Promise<void> = async () => {};
  afterAll(async () => {
    await cleanup();
    await deleteTopics(brokers, [space.topic]);
    space.remove();
  });

  it(`holds across ${EVENTS} events over ${KEYS} keys and every partition, on the topic and in the audit table`, { timeout: 180_000 }, async () => {
    const stores = await openStores(space);
    const activity = new KeyActivity(stores.eventStore);
    // The relay runs while the commands arrive, so batches cut across keys at arbitrary points.
    const relay = startRelay(stores.eventStore, stores.readModel, brokers, space.topic);
    let consumer: AuditConsumerRunner | undefined;
    let reader: KafkaTopicReader | undefined;
    cleanup = async () => {
      await reader?.close();
      await consumer?.stop();
      await relay.stop();
      await stores.close();
    };

    const keys = await Promise.all(
      Array.from({ length: KEYS }, async (_, i) => {
        const tenant = TENANTS[i % TENANTS.length]!;
        const owner = user(tenant, `owner-${i}`);
        return { ...(await activity.create(owner, `owner-${i}`)), owner };
      }),
    );
    // A deterministic shuffle: keys take turns in an irregular order, one event per command.
    for (let n = KEYS, step = 0; n < EVENTS; n++, step++) {
      const key = keys[(step * 7 + Math.floor(step / 13)) % KEYS]!;
      await activity.toggle(key.keyId, key.owner);
    }

    consumer = await startConsumer(stores.audit, brokers, space.topic);
    await relayCaughtUp(stores.eventStore, stores.readModel);
    reader = await KafkaTopicReader.start(brokers, space.topic);
    const onTopic = await reader.waitFor(EVENTS, 60_000);

    const revisions = new Map<string, number[]>();
    const partitions = new Map<string, Set<number>>();
    for (const message of onTopic) {
      const key = message.key!.toString();
      revisions.set(key, [...(revisions.get(key) ?? []), JSON.parse(message.value!.toString()).revision]);
      partitions.set(key, (partitions.get(key) ?? new Set()).add(message.partition));
    }
    expect(revisions.size).toBe(KEYS);
    for (const [key, seen] of revisions) expect(seen, `key ${key} on the topic`).toEqual(seen.map((_, i) => i));
    for (const [key, used] of partitions) expect(used.size, `key ${key} on one partition`).toBe(1);
    expect(new Set(onTopic.map((message) => message.partition)).size, 'partitions in use').toBeGreaterThanOrEqual(4);

    await waitUntil(`${EVENTS} audit entries`, () => auditCount(stores.audit, TENANTS), (count) => count >= EVENTS, { timeoutMs: 60_000 });
    await expectAuditTrailToMatchStore(stores.eventStore, stores.audit, TENANTS);
  });
});
