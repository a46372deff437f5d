import {
  type AllFilter,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@keystream/event-store';
import type { ShadowRebuilds, ShadowViews } from '@keystream/read-model';
import type { Projection, RebuildSession } from './projection.js';

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
/** Events per shadow transaction: large, since a shadow's commit does not wait for the disk and each one costs a read of the rows. */
const DEFAULT_BATCH_SIZE = 5_000;

/**
 * Rebuilds projections from the first event into shadow tables beside the live ones, then swaps
 * them in with one transaction, so the views keep answering throughout. The swap also records the
 * version each view was rebuilt by. It only happens when the shadow has caught up with the live
 * checkpoints: a live processor may have applied newer events meanwhile (a revocation, say), and
 * swapping in an older view would undo them. So the rebuild catches up and offers the swap again
 * until it is taken. Side-effecting processors (the audit relay) are never touched.
 *
 * The log is read once for all the projections: each page goes, in one shadow transaction, to
 * every projection whose filter it matches, and moves each one's checkpoint. Returns how many
 * events were read from the log.
 */
export async function rebuildProjections(
  eventStore: EventStore,
  readModel: ShadowRebuilds,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<{ events: number }> {
  const { onProgress = () => undefined, batchSize = DEFAULT_BATCH_SIZE, signal } = options;
  const shadow = await readModel.openShadow(projections.map((projection) => projection.name));
  const head = (await eventStore.headPosition())?.commit ?? 0n;
  const name = projections.map((projection) => projection.name).join(', ');
  let events = 0;
  // One session per projection for the whole rebuild: rows it holds in memory outlive a refused swap.
  const sessions = new Map(projections.map((projection) => [projection.name, projection.openRebuild?.() ?? plainSession(projection)]));
  for (let attempt = 1; attempt <= MAX_SWAP_ATTEMPTS; attempt++) {
    events += await catchUp(eventStore, shadow, projections, sessions, batchSize, signal, (processed, position) =>
      onProgress({ projection: name, processed, position: position > head ? head : position, head }),
    );
    signal?.throwIfAborted();
    // Every row the sessions hold goes to the shadow before it is offered for the swap.
    await shadow.transaction(async (tx) => {
      for (const session of sessions.values()) await session.flush(tx);
    });
    const views = projections.map(({ name, version }) => ({ name, version }));
    if (await readModel.swapInShadow(views, isAhead)) return { events };
  }
  throw new Error(`The live projections kept moving ahead of the rebuild ${MAX_SWAP_ATTEMPTS} times; try again`);
}

const plainSession = (projection: Projection): RebuildSession => ({
  applyBatch: (tx, events) => projection.applyBatch(tx, events),
  flush: async () => undefined,
});

const isAhead = (live: string, shadow: string | undefined): boolean =>
  shadow === undefined || comparePositions(parsePosition(live), parsePosition(shadow)) > 0;

const matches = (filter: AllFilter, event: RecordedEvent): boolean =>
  filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix));

/**
 * Applies the events after the shadow's checkpoints to it, a page of the log per transaction, from
 * the earliest checkpoint of the projections; each takes only the events past its own. Returns how
 * many events it read.
 */
async function catchUp(
  eventStore: EventStore,
  shadow: ShadowViews,
  projections: readonly Projection[],
  sessions: ReadonlyMap<string, RebuildSession>,
  batchSize: number,
  signal: AbortSignal | undefined,
  onProgress: (processed: number, position: bigint) => void,
): Promise<number> {
  const checkpoints = new Map<string, GlobalPosition | undefined>();
  for (const { name } of projections) {
    const stored = await shadow.getCheckpoint(name);
    checkpoints.set(name, stored === undefined ? undefined : parsePosition(stored));
  }
  const starts = [...checkpoints.values()];
  let after = starts.some((start) => start === undefined)
    ? undefined
    : starts.reduce((earliest, start) => (comparePositions(start!, earliest!) < 0 ? start : earliest));
  const filter: AllFilter = { streamNamePrefixes: [...new Set(projections.flatMap((projection) => projection.filter.streamNamePrefixes))] };
  let processed = 0;
  for (;;) {
    signal?.throwIfAborted();
    const page = await eventStore.readAll({ after, maxCount: batchSize, filter });
    const next = page.scannedTo ?? page.events.at(-1)?.position;
    if (next) {
      const moved = projections.filter(({ name }) => {
        const checkpoint = checkpoints.get(name);
        return checkpoint === undefined || comparePositions(next, checkpoint) > 0;
      });
      if (moved.length > 0) {
        await shadow.transaction(async (tx) => {
          for (const projection of moved) {
            const checkpoint = checkpoints.get(projection.name);
            const expected = checkpoint === undefined ? undefined : formatPosition(checkpoint);
            if (!(await tx.compareAndSetCheckpoint(projection.name, expected, formatPosition(next)))) {
              throw new Error(`Another rebuild of ${projection.name} is running`);
            }
            const events = page.events.filter(
              (event) => matches(projection.filter, event) && (checkpoint === undefined || comparePositions(event.position, checkpoint) > 0),
            );
            await sessions.get(projection.name)!.applyBatch(tx, events);
          }
        });
        for (const { name } of moved) checkpoints.set(name, next);
      }
    }
    processed += page.events.length;
    onProgress(processed, page.isEnd ? BigInt(Number.MAX_SAFE_INTEGER) : (next?.commit ?? 0n));
    if (page.isEnd) return processed;
    after = page.events.at(-1)!.position;
  }
}
