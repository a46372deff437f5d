import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { describeError } from '@keystream/store-errors';
import { type AuditMessage, type AuditPublisher, AuditBusUnavailableError } from '../../audit-publisher.port.js';
import { toKafkaMessage } from './cloud-event.kafka-binding.js';
import {
  type AuditBusLogger,
  type AuditTopicSettings,
  DEFAULT_AUDIT_TOPIC_SETTINGS,
  type KafkaConnectionOptions,
  createKafkaClient,
  ensureAuditTopic,
  silentLogger,
} from './kafka-client.js';

export interface KafkaAuditPublisherOptions extends KafkaConnectionOptions {
  topic: string;
  topicSettings?: AuditTopicSettings;
  /** How long the broker may take to replicate a batch to all in-sync replicas. */
  ackTimeoutMs?: number;
}

/**
 * Publishes through kafkajs with the idempotent producer (acks from all in-sync replicas, one
 * request in flight, so a retried request can neither duplicate nor reorder within a partition).
 * kafkajs does not batch on its own, so each publish() is a single send() of the whole batch.
 *
 * After any failed send the producer is thrown away and the next publish() starts a fresh one:
 * a fresh producer id has no sequence numbers to get out of step with a broker that restarted or
 * lost state, and the resend's possible duplicates are what consumers dedupe by id anyway.
 */
export class KafkaAuditPublisher implements AuditPublisher {
  private readonly kafka: Kafka;
  private readonly logger: AuditBusLogger;
  private producer?: Promise<Producer>;
  private topicReady = false;
  private closed = false;

  constructor(private readonly options: KafkaAuditPublisherOptions) {
    this.logger = options.logger ?? silentLogger;
    this.kafka = createKafkaClient(options);
  }

  async publish(messages: readonly AuditMessage[]): Promise<void> {
    if (this.closed) throw new AuditBusUnavailableError('The audit publisher is closed');
    if (messages.length === 0) return;
    try {
      const producer = await this.connected();
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        timeout: this.options.ackTimeoutMs ?? 10_000,
        messages: messages.map(toKafkaMessage),
      });
    } catch (error) {
      await this.discardProducer();
      throw new AuditBusUnavailableError(`Kafka did not acknowledge ${messages.length} audit event(s): ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.discardProducer();
  }

  private connected(): Promise<Producer> {
    this.producer ??= this.connect();
    return this.producer;
  }

  private async connect(): Promise<Producer> {
    if (!this.topicReady) {
      const { created } = await ensureAuditTopic(this.kafka, this.options.topic, this.options.topicSettings ?? DEFAULT_AUDIT_TOPIC_SETTINGS);
      if (created) this.logger.info({ topic: this.options.topic }, 'created the audit topic');
      this.topicReady = true;
    }
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioner: other Kafka clients put the same key on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    await producer.connect();
    return producer;
  }

  private async discardProducer(): Promise<void> {
    const pending = this.producer;
    this.producer = undefined;
    // The broker may have been wiped (a dev broker restarted empty): check the topic again next time.
    this.topicReady = false;
    const producer = await pending?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
}

