import { type EventStore, type GlobalPosition, comparePositions, formatPosition, parsePosition } from '@keystream/event-store';
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

const MAX_SWAP_ATTEMPTS = 20;

/**
 * Rebuilds projections from the first event into shadow tables beside the live ones, then swaps
 * them in with one transaction, so the listing keeps answering throughout. The swap only happens
 * when the shadow has caught up with the live checkpoints: a live processor may have applied newer
 * events meanwhile (a revocation, say), and swapping in an older view would undo them. So the
 * rebuild catches up and offers the swap again until it is taken. Side-effecting processors (the
 * audit relay) are never touched.
 */
export async function rebuildProjections(
  eventStore: EventStore,
  readModel: ReadModel,
  projections: readonly Projection[],
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  batchSize = 1000,
): Promise<{ events: number }> {
  const shadow = await readModel.openShadow();
  const head = (await eventStore.headPosition())?.commit ?? 0n;
  let events = 0;
  for (let attempt = 1; attempt <= MAX_SWAP_ATTEMPTS; attempt++) {
    for (const projection of projections) {
      events += await catchUp(eventStore, shadow, projection, batchSize, (processed, position) =>
        onProgress({ projection: projection.name, processed, position: position > head ? head : position, head }),
      );
    }
    const names = projections.map((projection) => projection.name);
    if (await readModel.swapInShadow(names, isAhead)) return { events };
  }
  throw new Error(`The live projections kept moving ahead of the rebuild ${MAX_SWAP_ATTEMPTS} times; try again`);
}

const isAhead = (live: string, shadow: string | undefined): boolean =>
  shadow === undefined || comparePositions(parsePosition(live), parsePosition(shadow)) > 0;

/** Applies the events after the shadow's checkpoint to it; returns how many it applied. */
async function catchUp(
  eventStore: EventStore,
  shadow: ReadModel,
  projection: Projection,
  batchSize: number,
  onProgress: (processed: number, position: bigint) => void,
): Promise<number> {
  let checkpoint = await shadow.getCheckpoint(projection.name);
  let after: GlobalPosition | undefined = checkpoint === undefined ? undefined : parsePosition(checkpoint);
  let processed = 0;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: batchSize, filter: projection.filter });
    const next = page.scannedTo ?? page.events.at(-1)?.position;
    if (next && formatPosition(next) !== checkpoint) {
      const expected = checkpoint;
      await shadow.transaction(async (tx) => {
        if (!(await tx.compareAndSetCheckpoint(projection.name, expected, formatPosition(next)))) {
          throw new Error(`Another rebuild of ${projection.name} is running`);
        }
        for (const event of page.events) await projection.apply(tx, event);
      });
      checkpoint = formatPosition(next);
    }
    processed += page.events.length;
    onProgress(processed, page.isEnd ? BigInt(Number.MAX_SAFE_INTEGER) : (next?.commit ?? 0n));
    if (page.isEnd) return processed;
    after = page.events.at(-1)!.position;
  }
}
