import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { describeAuditPublisherContract } from '../../contract/audit-publisher.contract.js';
import { KafkaTopicReader, deleteTopics } from '../../contract/kafka-topic-reader.js';
import { KafkaAuditPublisher } from './kafka.audit-publisher.js';
import { parseBrokers } from './kafka-client.js';

// A real broker: test/setup/kafka.global-setup.ts starts one unless KAFKA_BROKERS names one.
const brokers = parseBrokers(inject('kafkaBrokers'));

describeAuditPublisherContract('kafka', async () => {
  const topic = `test.audit-contract.${randomUUID()}`;
  const publisher = new KafkaAuditPublisher({ brokers, topic, topicSettings: { partitions: 3, retentionMs: 3_600_000 } });
  let reader: KafkaTopicReader | undefined;
  return {
    publisher,
    readBack: async (count) => {
      reader ??= await KafkaTopicReader.start(brokers, topic);
      await reader.waitFor(count);
      return reader.decoded();
    },
    teardown: async () => {
      await reader?.close();
      await publisher.close();
      await deleteTopics(brokers, [topic]);
    },
  };
});
