import { type EventStore, type GlobalPosition, formatPosition } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import type { Projection } from './projection.js';

export interface RebuildProgress {
  projection: string;
  processed: number;
  /** How far through the log, by commit position (a byte offset in EventStoreDB): for an ETA. */
  position: bigint;
  /** The log's head when the rebuild started. */
  head: bigint;
}

/**
 * Rebuilds projections from the first event into shadow tables beside the live ones, then swaps
 * them in with one transaction, so the listing keeps answering throughout. Live processors keep
 * running; after the swap their checkpoint compare-and-set fails once and they resume from the
 * rebuilt checkpoint. Side-effecting processors (the audit relay) are never touched.
 */
export async function rebuildProjections(
  eventStore: EventStore,
  readModel: ReadModel,
  projections: readonly Projection[],
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  batchSize = 1000,
): Promise<{ events: number }> {
  const shadow = await readModel.openShadow();
  let total = 0;
  const head = (await eventStore.headPosition())?.commit ?? 0n;
  for (const projection of projections) {
    let processed = 0;
    let after: GlobalPosition | undefined;
    let checkpoint: string | undefined;
    for (;;) {
      const page = await eventStore.readAll({ after, maxCount: batchSize, filter: projection.filter });
      const next = page.scannedTo ?? page.events.at(-1)?.position;
      if (page.events.length > 0 || (next && formatPosition(next) !== checkpoint)) {
        await shadow.transaction(async (tx) => {
          for (const event of page.events) await projection.apply(tx, event);
          if (next) {
            if (!(await tx.compareAndSetCheckpoint(projection.name, checkpoint, formatPosition(next)))) {
              throw new Error(`Another rebuild of ${projection.name} is running`);
            }
          }
        });
      }
      if (next) checkpoint = formatPosition(next);
      processed += page.events.length;
      const position = page.isEnd ? head : (next?.commit ?? 0n);
      onProgress({ projection: projection.name, processed, position: position > head ? head : position, head });
      if (page.isEnd) break;
      after = page.events.at(-1)!.position;
    }
    total += processed;
  }
  await readModel.swapInShadow(projections.map((projection) => projection.name));
  return { events: total };
}
