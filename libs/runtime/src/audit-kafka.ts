import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AUDIT_CONSUMER_GROUP, AuditConsumerRunner, type AuditStore } from '@keystream/audit';
import { type AuditCloudEvent, createKafkaClient, ensureAuditTopic, fromKafkaMessage } from '@keystream/audit-bus';
import type { AppConfig } from '@keystream/config';
import { type AuditStoreLocation, kafkaBrokers } from './pick-adapters.js';

/** KAFKA_AUDIT_GROUP, or the consumer's own versioned default. */
export const auditConsumerGroup = (config: AppConfig): string => config.KAFKA_AUDIT_GROUP ?? AUDIT_CONSUMER_GROUP;

export interface AuditConsumerSettings {
  brokers: string[];
  topic: string;
  groupId: string;
  store: AuditStoreLocation;
}

/** The audit consumer (Kafka audit topic -> the store), over a store its caller opened and closes. */
export const createAuditConsumer = (store: AuditStore, settings: AuditConsumerSettings, logger: Logger): AuditConsumerRunner =>
  new AuditConsumerRunner(store, { brokers: settings.brokers, topic: settings.topic, groupId: settings.groupId, logger });

export interface AuditTopicWatch {
  topic: string;
  stop(): Promise<void>;
}

/**
 * Hands each CloudEvent on the audit topic to `onEvent` as it arrives, for watching the relay
 * locally. A throw-away consumer group, so it never moves the audit consumer's offsets.
 */
export async function watchAuditTopic(
  config: AppConfig,
  options: { fromBeginning: boolean; onEvent: (event: AuditCloudEvent, partition: number) => void },
): Promise<AuditTopicWatch> {
  const brokers = kafkaBrokers(config);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: name the broker to watch, e.g. 127.0.0.1:9092');
  const kafka = createKafkaClient({ brokers });
  const topic = config.KAFKA_AUDIT_TOPIC;
  // The relay creates the topic on its first publish; create it now (same settings) so a watch
  // started first does not fail.
  await ensureAuditTopic(kafka, topic);
  const consumer = kafka.consumer({ groupId: `keystream-watch-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
  await consumer.run({ eachMessage: async ({ partition, message }) => options.onEvent(fromKafkaMessage(message), partition) });
  return { topic, stop: () => consumer.disconnect() };
}
