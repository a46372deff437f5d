import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders } from 'kafkajs';
import type { AuditMessage } from '../audit-publisher.port.js';
import { fromKafkaMessage } from '../adapters/kafka/cloud-event.kafka-binding.js';
import { createKafkaClient } from '../adapters/kafka/kafka-client.js';
import { waitUntil } from './wait-until.js';

export interface RawKafkaMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Test support: reads a whole topic from the beginning with a throw-away consumer group and keeps
 * every raw message, so tests can check both the decoded CloudEvents and the bytes on the wire.
 */
export class KafkaTopicReader {
  readonly raw: RawKafkaMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: readonly string[], topic: string): Promise<KafkaTopicReader> {
    const consumer = createKafkaClient({ brokers, clientId: 'keystream-test-reader' }).consumer({
      groupId: `test-reader-${randomUUID()}`,
      // An idle fetch blocks disconnect() for this long (kafkajs' default is 5 s).
      maxWaitTimeInMs: 100,
    });
    const reader = new KafkaTopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reader.raw.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {} });
      },
    });
    return reader;
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<RawKafkaMessage[]> {
    await waitUntil(`${count} messages on the topic`, () => this.raw.length, (n) => n >= count, { timeoutMs });
    return [...this.raw];
  }

  /** The decoded messages in arrival order, which is publish order within each key. */
  decoded(): AuditMessage[] {
    return this.raw.map((message) => ({ key: message.key?.toString() ?? '', event: fromKafkaMessage(message) }));
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Test support: deletes topics a test created, ignoring ones already gone. */
export async function deleteTopics(brokers: readonly string[], topics: string[]): Promise<void> {
  const admin = createKafkaClient({ brokers }).admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    const doomed = topics.filter((topic) => existing.includes(topic));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
