import { type EventStore, type GlobalPosition, comparePositions, formatPosition, parsePosition } from '@keystream/event-store';
import type { ShadowRebuilds, ShadowViews } from '@keystream/read-model';
import type { Projection } from './projection.js';

export interface RebuildProgress {
  projection: string;
  processed: number;
  /** How far through the log, by commit position (a byte offset in EventStoreDB): for an ETA. */
  position: bigint;
  /** The log's head when the rebuild started. */
  head: bigint;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  batchSize?: number;
  /** Abandons the rebuild between batches (the shadow is left, and dropped by the next rebuild). */
  signal?: AbortSignal;
}

const MAX_SWAP_ATTEMPTS = 20;

/**
 * Rebuilds projections from the first event into shadow tables beside the live ones, then swaps
 * them in with one transaction, so the views keep answering throughout. The swap also records the
 * version each view was rebuilt by. It only happens when the shadow has caught up with the live
 * checkpoints: a live processor may have applied newer events meanwhile (a revocation, say), and
 * swapping in an older view would undo them. So the rebuild catches up and offers the swap again
 * until it is taken. Side-effecting processors (the audit relay) are never touched.
 */
export async function rebuildProjections(
  eventStore: EventStore,
  readModel: ShadowRebuilds,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<{ events: number }> {
  const { onProgress = () => undefined, batchSize = 1000, signal } = options;
  const shadow = await readModel.openShadow(projections.map((projection) => projection.name));
  const head = (await eventStore.headPosition())?.commit ?? 0n;
  let events = 0;
  for (let attempt = 1; attempt <= MAX_SWAP_ATTEMPTS; attempt++) {
    for (const projection of projections) {
      events += await catchUp(eventStore, shadow, projection, batchSize, signal, (processed, position) =>
        onProgress({ projection: projection.name, processed, position: position > head ? head : position, head }),
      );
    }
    signal?.throwIfAborted();
    const views = projections.map(({ name, version }) => ({ name, version }));
    if (await readModel.swapInShadow(views, isAhead)) return { events };
  }
  throw new Error(`The live projections kept moving ahead of the rebuild ${MAX_SWAP_ATTEMPTS} times; try again`);
}

const isAhead = (live: string, shadow: string | undefined): boolean =>
  shadow === undefined || comparePositions(parsePosition(live), parsePosition(shadow)) > 0;

/** Applies the events after the shadow's checkpoint to it, a page per transaction; returns how many it applied. */
async function catchUp(
  eventStore: EventStore,
  shadow: ShadowViews,
  projection: Projection,
  batchSize: number,
  signal: AbortSignal | undefined,
  onProgress: (processed: number, position: bigint) => void,
): Promise<number> {
  let checkpoint = await shadow.getCheckpoint(projection.name);
  let after: GlobalPosition | undefined = checkpoint === undefined ? undefined : parsePosition(checkpoint);
  let processed = 0;
  for (;;) {
    signal?.throwIfAborted();
    const page = await eventStore.readAll({ after, maxCount: batchSize, filter: projection.filter });
    const next = page.scannedTo ?? page.events.at(-1)?.position;
    if (next && formatPosition(next) !== checkpoint) {
      const expected = checkpoint;
      await shadow.transaction(async (tx) => {
        if (!(await tx.compareAndSetCheckpoint(projection.name, expected, formatPosition(next)))) {
          throw new Error(`Another rebuild of ${projection.name} is running`);
        }
        await projection.applyBatch(tx, page.events);
      });
      checkpoint = formatPosition(next);
    }
    processed += page.events.length;
    onProgress(processed, page.isEnd ? BigInt(Number.MAX_SAFE_INTEGER) : (next?.commit ?? 0n));
    if (page.isEnd) return processed;
    after = page.events.at(-1)!.position;
  }
}
