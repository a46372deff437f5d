import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { KafkaAuditPublisher, createKafkaClient, parseBrokers } from '@keystream/audit-bus';
import { waitUntil } from '../../../../audit-bus/src/contract/wait-until.js';
import { deleteTopics } from '../../../../audit-bus/src/contract/kafka-topic-reader.js';
import { openSqliteAuditStore } from '../sqlite/sqlite.audit-store.js';
import type { AuditStore } from '../../audit-store.port.js';
import { auditEvent } from '../../contract/audit-store.fixtures.js';
import { AuditConsumerRunner } from './audit-consumer.runner.js';

// A real broker: test/setup/kafka.global-setup.ts starts one unless KAFKA_BROKERS names one.
const brokers = parseBrokers(inject('kafkaBrokers'));

describe('AuditConsumerRunner', () => {
  let topic: string;
  let groupId: string;
  let store: AuditStore;
  let publisher: KafkaAuditPublisher;
  const runners: AuditConsumerRunner[] = [];
  const startRunner = async () => {
    const runner = new AuditConsumerRunner(store, { brokers, topic, groupId });
    runners.push(runner);
    await runner.start();
    return runner;
  };
  const publish = (events: ReturnType<typeof auditEvent>[]) => publisher.publish(events.map((event) => ({ key: event.subject, event })));

  beforeEach(async () => {
    topic = `test.audit-consumer.${randomUUID()}`;
    groupId = `test-${randomUUID()}`;
    store = await openSqliteAuditStore(':memory:');
    publisher = new KafkaAuditPublisher({ brokers, topic });
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await publisher.close();
    await store.close();
    await deleteTopics(brokers, [topic]);
  });

  it('stores an event delivered twice once', async () => {
    const [first, second] = [auditEvent({ key: 'k1' }), auditEvent({ key: 'k1', revision: 1 })];
    await publish([first!, first!, second!]);
    const runner = await startRunner();
    await waitUntil('3 messages handled', () => runner.status(), (status) => status.stored + status.duplicates === 3);
    expect(runner.status()).toMatchObject({ stored: 2, duplicates: 1 });
    expect((await store.tail('tenant-a', 10)).map((entry) => entry.eventId)).toEqual([first!.id, second!.id]);
  });

  it('logs and skips a message that is not an audit CloudEvent instead of blocking its partition', async () => {
    const producer = createKafkaClient({ brokers }).producer();
    await publish([auditEvent({ key: 'k1' })]); // creates the topic
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k1', value: 'not a cloud event' }] });
    await producer.disconnect();
    const after = auditEvent({ key: 'k1', revision: 1 });
    await publish([after]);
    const runner = await startRunner();
    await waitUntil('the event after the bad message', () => store.count('tenant-a'), (count) => count === 2);
    expect(runner.status()).toMatchObject({ stored: 2, malformed: 1 });
  });

  it('resumes after the offsets it committed: a restarted consumer reads nothing twice', async () => {
    await publish(Array.from({ length: 30 }, (_, i) => auditEvent({ key: `k${i % 4}`, revision: Math.floor(i / 4) })));
    const first = await startRunner();
    await waitUntil('30 stored', () => store.count('tenant-a'), (count) => count === 30);
    await first.stop();
    await publish([auditEvent({ key: 'k9' })]);
    const second = await startRunner();
    await waitUntil('the new event', () => store.count('tenant-a'), (count) => count === 31);
    expect(second.status()).toMatchObject({ stored: 1, duplicates: 0 });
  });
});
