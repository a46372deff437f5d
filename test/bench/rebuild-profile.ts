import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY_VIEWS } from '@keystream/api-keys';
import { SqliteEventStore, formatPosition } from '@keystream/event-store';
import { CheckpointedProcessor, projectionsConsumer, rebuildProjections } from '@keystream/processing';
import { openSqliteReadModel } from '@keystream/read-model';

/**
 * For profiling one phase alone (`node --cpu-prof`): a rebuild, or the live catch-up, into a fresh
 * SQLite read model, from a log written by `BENCH_REBUILD_WRITE_LOG_ONLY=<file> rebuild.bench.ts`.
 * argv: rebuild|catch-up <log file> [batch size].
 */
const [phase, log, batch] = process.argv.slice(2) as [string, string, string | undefined];
const dir = mkdtempSync(join(tmpdir(), 'keystream-rebuild-profile-'));
try {
  copyFileSync(log, join(dir, 'events.sqlite'));
  const eventStore = new SqliteEventStore(join(dir, 'events.sqlite'));
  const readModel = await openSqliteReadModel(join(dir, 'views.sqlite'), API_KEY_VIEWS);
  const head = (await eventStore.headPosition())!;
  const start = performance.now();
  const cpu = process.cpuUsage();
  let swapSeconds = 0;
  if (phase === 'rebuild') {
    const swapInShadow = readModel.swapInShadow.bind(readModel);
    readModel.swapInShadow = async (...args) => {
      const swapStart = performance.now();
      try {
        return await swapInShadow(...args);
      } finally {
        swapSeconds += (performance.now() - swapStart) / 1000;
      }
    };
    await rebuildProjections(eventStore, readModel, API_KEY_VIEWS, { batchSize: batch ? Number(batch) : undefined });
  } else {
    const processor = new CheckpointedProcessor(eventStore, projectionsConsumer(readModel, API_KEY_VIEWS), console, { batchSize: batch ? Number(batch) : undefined });
    await new Promise<void>((resolve) => {
      processor.onAdvance((position) => formatPosition(position) === formatPosition(head) && resolve());
      processor.start();
    });
    await processor.stop();
  }
  const { user, system } = process.cpuUsage(cpu);
  const events = Number(head.commit);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${phase} batch ${batch ?? 'default'}: ${events} events in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s), cpu ${((user + system) / 1e6).toFixed(2)} s, swap ${swapSeconds.toFixed(2)} s\n`);
  await readModel.close();
  await eventStore.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
