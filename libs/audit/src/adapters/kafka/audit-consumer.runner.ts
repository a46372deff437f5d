import type { Consumer, EachBatchPayload } from 'kafkajs';
import {
  type AuditBusLogger,
  type AuditCloudEvent,
  type AuditTopicSettings,
  DEFAULT_AUDIT_TOPIC_SETTINGS,
  type KafkaConnectionOptions,
  createKafkaClient,
  ensureAuditTopic,
  fromKafkaMessage,
  silentLogger,
} from '@keystream/audit-bus';
import type { AuditStore } from '../../audit-store.port.js';

export const AUDIT_CONSUMER_GROUP = 'keystream-audit-v1';

export interface AuditConsumerOptions extends KafkaConnectionOptions {
  topic: string;
  groupId?: string;
  topicSettings?: AuditTopicSettings;
}

export interface AuditConsumerStatus {
  stored: number;
  duplicates: number;
  /** Messages on the topic that are not our CloudEvents: logged and skipped. */
  malformed: number;
  /** Times kafkajs gave up on a batch and restarted the consumer (store down, broker gone). */
  restarts: number;
  lastError?: string;
}

/**
 * The audit trail's writer: a consumer group on the audit topic that stores every CloudEvent once.
 * Each partition's batch goes to the store in one transaction, and only after that commit is the
 * batch's offset committed to Kafka. A crash in between redelivers the batch, and the store's
 * dedupe by CloudEvent id makes the redelivery (or a rebalance's, or a relay's re-publish) change
 * nothing. Failures are retried by kafkajs, which restarts the consumer if a batch keeps failing.
 */
export class AuditConsumerRunner {
  private consumer?: Consumer;
  private readonly logger: AuditBusLogger;
  private readonly counters: AuditConsumerStatus = { stored: 0, duplicates: 0, malformed: 0, restarts: 0 };

  constructor(
    private readonly store: AuditStore,
    private readonly options: AuditConsumerOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  status(): AuditConsumerStatus {
    return { ...this.counters };
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const { topic } = this.options;
    const kafka = createKafkaClient({ clientId: 'keystream-audit-consumer', ...this.options });
    await ensureAuditTopic(kafka, topic, this.options.topicSettings ?? DEFAULT_AUDIT_TOPIC_SETTINGS);
    const consumer = kafka.consumer({
      groupId: this.options.groupId ?? AUDIT_CONSUMER_GROUP,
      allowAutoTopicCreation: false,
      // An idle fetch holds disconnect() (graceful shutdown) this long at most.
      maxWaitTimeInMs: 500,
      // After a crash or a broker restart, the group waits out the old member's session before it
      // rebalances: 10 s rather than kafkajs' 30 s, so the trail catches up sooner (heartbeats: 3 s).
      sessionTimeout: 10_000,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.counters.restarts++;
      this.counters.lastError = String(payload.error);
      this.logger.warn({ err: payload.error, restart: payload.restart }, 'audit consumer failed; kafkajs restarts it');
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.storeBatch(consumer, payload) });
    this.logger.info({ topic, groupId: this.options.groupId ?? AUDIT_CONSUMER_GROUP }, 'audit consumer started');
  }

  /** Finishes the batch in hand (its store commit and offset commit), then leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async storeBatch(consumer: Consumer, { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const events: AuditCloudEvent[] = [];
    for (const message of batch.messages) {
      try {
        events.push(fromKafkaMessage(message));
      } catch (error) {
        // A message we cannot read would block its partition forever if it failed the batch.
        this.counters.malformed++;
        this.logger.error({ err: error, partition: batch.partition, offset: message.offset }, 'skipping a message that is not an audit CloudEvent');
      }
    }
    const { stored, duplicates } = await this.store.append(events);
    this.counters.stored += stored;
    this.counters.duplicates += duplicates;
    const last = batch.messages.at(-1)!.offset;
    resolveOffset(last);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    await heartbeat();
  }
}
