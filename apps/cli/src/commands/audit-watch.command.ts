import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { createKafkaClient, ensureAuditTopic, fromKafkaMessage, parseBrokers } from '@keystream/audit-bus';
import { loadConfig } from '@keystream/config';

/**
 * `audit watch`: prints each CloudEvent on the audit topic as it arrives, headers and data, for
 * watching the relay locally. A throw-away consumer group, so it never moves the audit consumer's
 * offsets.
 */
export const auditWatchCommand = () =>
  new Command('watch')
    .description('Print the CloudEvents on the audit topic as they arrive (Ctrl-C to stop)')
    .option('--from-beginning', 'start with the oldest message on the topic', false)
    .action(async ({ fromBeginning }: { fromBeginning: boolean }) => {
      const config = loadConfig();
      if (!config.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: name the broker to watch, e.g. 127.0.0.1:9092');
      const kafka = createKafkaClient({ brokers: parseBrokers(config.KAFKA_BROKERS) });
      // The relay creates the topic on its first publish; create it now (same settings) so a watch
      // started first does not fail.
      await ensureAuditTopic(kafka, config.KAFKA_AUDIT_TOPIC);
      const consumer = kafka.consumer({ groupId: `keystream-watch-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: config.KAFKA_AUDIT_TOPIC, fromBeginning });
      process.stderr.write(`watching ${config.KAFKA_AUDIT_TOPIC} on ${config.KAFKA_BROKERS}\n`);
      const stop = () => void consumer.disconnect().finally(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const event = fromKafkaMessage(message);
          process.stdout.write(`${event.time}  ${event.type}  tenant ${event.tenantid}  key ${event.subject}  (partition ${partition}, id ${event.id})\n`);
          process.stdout.write(`  ${JSON.stringify(event.data)}\n`);
        },
      });
    });
