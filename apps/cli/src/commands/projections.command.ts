import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { EVENT_STORE, type EventStore, formatPosition } from '@keystream/event-store';
import { ProcessingRuntime, outdatedProjections } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { ALL_VIEWS, withCliContext } from '../cli-context.js';

export const projectionsCommand = () => {
  const projections = new Command('projections').description('Inspect and rebuild the read-model projections');
  projections
    .command('rebuild')
    .description('Rebuild the projections from the first event beside the live views, then swap them in')
    .option('--outdated', 'only the views whose recorded version differs from their projection’s (what start-up does)')
    .action(async (options: { outdated?: boolean }) => {
      await withCliContext(async (context) => {
        const selected = options.outdated ? await outdatedProjections(context.get<ReadModel>(READ_MODEL), ALL_VIEWS) : ALL_VIEWS;
        if (selected.length === 0) {
          process.stdout.write('Every view is at its projection’s version; nothing to rebuild\n');
          return;
        }
        const bar = new SingleBar(
          { format: '{projection} [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true },
          Presets.shades_classic,
        );
        const started = Date.now();
        let current = '';
        // Through the runtime, so this waits for a start-up rebuild rather than racing it on the shadow.
        const result = await context.get(ProcessingRuntime).rebuild(selected, {
          onProgress: ({ projection, processed, position, head }) => {
            const payload = { projection, events: processed, rate: Math.round(processed / Math.max(0.001, (Date.now() - started) / 1000)) };
            if (projection !== current) {
              if (current) bar.stop();
              current = projection;
              bar.start(Number(head) || 1, 0, payload);
            }
            bar.update(Number(position), payload);
          },
        });
        bar.stop();
        process.stdout.write(`Rebuilt ${selected.map((p) => `${p.name} v${p.version}`).join(', ')} from ${result.events} events in ${Date.now() - started} ms\n`);
      });
    });
  projections
    .command('status')
    .description('Show each projection’s checkpoint against the head of the log, and the version its rows were built by')
    .action(async () => {
      await withCliContext(async (context) => {
        const head = await context.get<EventStore>(EVENT_STORE).headPosition();
        const readModel = context.get<ReadModel>(READ_MODEL);
        const applied = await readModel.appliedVersions();
        process.stdout.write(`head: ${head ? formatPosition(head) : '(empty log)'}\n`);
        for (const view of ALL_VIEWS) {
          const built = applied.get(view.name);
          const version = built === undefined || built === view.version ? `v${view.version}` : `built by v${built}, code is v${view.version}: rebuild pending`;
          process.stdout.write(`${view.name} (${version}): ${(await readModel.getCheckpoint(view.name)) ?? '(not started)'}\n`);
        }
      });
    });
  return projections;
};
