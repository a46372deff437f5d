import { Command } from 'commander';
import { loadConfig } from '@keystream/config';
import { watchAuditTopic } from '@keystream/runtime';

/**
 * `audit watch`: prints each CloudEvent on the audit topic as it arrives, headers and data, for
 * watching the relay locally, without moving the audit consumer's offsets.
 */
export const auditWatchCommand = () =>
  new Command('watch')
    .description('Print the CloudEvents on the audit topic as they arrive (Ctrl-C to stop)')
    .option('--from-beginning', 'start with the oldest message on the topic', false)
    .action(async ({ fromBeginning }: { fromBeginning: boolean }) => {
      const config = loadConfig();
      const watch = await watchAuditTopic(config, {
        fromBeginning,
        onEvent: (event, partition) => {
          process.stdout.write(`${event.time}  ${event.type}  tenant ${event.tenantid}  key ${event.subject}  (partition ${partition}, id ${event.id})\n`);
          process.stdout.write(`  ${JSON.stringify(event.data)}\n`);
        },
      });
      process.stderr.write(`watching ${watch.topic} on ${config.KAFKA_BROKERS}\n`);
      const stop = () => void watch.stop().finally(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
