import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { API_KEY_PROJECTIONS } from '@keystream/api-keys';
import { EVENT_STORE, type EventStore, formatPosition } from '@keystream/event-store';
import { rebuildProjections } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { withCliContext } from '../cli-context.js';

export const projectionsCommand = () => {
  const projections = new Command('projections').description('Inspect and rebuild the read-model projections');
  projections
    .command('rebuild')
    .description('Rebuild every projection from the first event beside the live views, then swap them in')
    .action(async () => {
      await withCliContext(async (context) => {
        const bar = new SingleBar(
          { format: '{projection} [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true },
          Presets.shades_classic,
        );
        const started = Date.now();
        let current = '';
        const result = await rebuildProjections(
          context.get<EventStore>(EVENT_STORE),
          context.get<ReadModel>(READ_MODEL),
          API_KEY_PROJECTIONS,
          ({ projection, processed, position, head }) => {
            const payload = { projection, events: processed, rate: Math.round(processed / Math.max(0.001, (Date.now() - started) / 1000)) };
            if (projection !== current) {
              if (current) bar.stop();
              current = projection;
              bar.start(Number(head) || 1, 0, payload);
            }
            bar.update(Number(position), payload);
          },
        );
        bar.stop();
        process.stdout.write(`Rebuilt ${API_KEY_PROJECTIONS.map((p) => p.name).join(', ')} from ${result.events} events in ${Date.now() - started} ms\n`);
      });
    });
  projections
    .command('status')
    .description('Show each projection’s checkpoint against the head of the log')
    .action(async () => {
      await withCliContext(async (context) => {
        const head = await context.get<EventStore>(EVENT_STORE).headPosition();
        const readModel = context.get<ReadModel>(READ_MODEL);
        process.stdout.write(`head: ${head ? formatPosition(head) : '(empty log)'}\n`);
        for (const projection of API_KEY_PROJECTIONS) {
          process.stdout.write(`${projection.name}: ${(await readModel.getCheckpoint(projection.name)) ?? '(not started)'}\n`);
        }
      });
    });
  return projections;
};
