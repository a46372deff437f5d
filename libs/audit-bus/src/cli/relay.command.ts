import { Command } from 'commander';
import type { EventStore } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { type RelayLag, relayLag } from '../relay-lag.js';

export interface RelayCliDependencies {
  openEventStore: () => Promise<EventStore>;
  openReadModel: () => Promise<ReadModel>;
  print?: (line: string) => void;
}

/** `relay status [--json]`: where the audit relay stands against the event store, to mount on the CLI. */
export function relayCommand({ openEventStore, openReadModel, print = console.log }: RelayCliDependencies): Command {
  const relay = new Command('relay').description('The audit relay (event store -> Kafka)');
  relay
    .command('status')
    .description('Show the last position the broker acknowledged, the log head, and how many audited events (key, tenant policy, directory) wait to be published')
    .option('--json', 'print the status as JSON')
    .action(async ({ json }: { json?: boolean }) => {
      const eventStore = await openEventStore();
      try {
        const readModel = await openReadModel();
        try {
          const lag = await relayLag(eventStore, readModel);
          print(json ? JSON.stringify(lag) : formatLag(lag));
        } finally {
          await readModel.close();
        }
      } finally {
        await eventStore.close();
      }
    });
  return relay;
}

export function formatLag(lag: RelayLag): string {
  const behind = `${lag.eventsBehindIsLowerBound ? 'at least ' : ''}${lag.eventsBehind} audited event(s) to publish`;
  return [
    `audit relay ${lag.name}`,
    `  checkpoint  ${lag.checkpoint ?? '(nothing published yet)'}`,
    `  head        ${lag.head ?? '(empty event store)'}`,
    `  behind      ${lag.eventsBehind === 0 ? 'none: caught up' : behind}`,
  ].join('\n');
}
