import { LRUCache } from 'lru-cache';
import { ConcurrencyError } from './event-store.errors.js';
import type { AppendResult, EventStore, EventToAppend, RecordedEvent } from './event-store.port.js';

/** How a stream's recorded events fold into the state a decision reads (the domain's evolve). */
export interface StreamFold<S, E> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** The domain event a recorded one stands for; undefined for one this fold does not know (skipped). */
  readonly decode: (event: RecordedEvent) => E | undefined;
}

export interface DecideAndAppendOptions<S, E> {
  readonly streamName: string;
  /** Called on every attempt with the state folded from the stream and the stream's revision (-1: none). */
  readonly decide: (state: S, revision: bigint) => readonly E[];
  /** The events to write for a decision taken at `revision`. */
  readonly toAppend: (events: readonly E[], revision: bigint) => EventToAppend[];
  /** From If-Match: a stream at another revision, or a conflict, answers `stale` and is never retried. */
  readonly expectedRevision?: bigint;
  /** Conflicts re-read and re-decide up to this many attempts in all (default 5). */
  readonly maxAttempts?: number;
  /** This process's folds of the stream, so an attempt reads only the events past the cached revision. */
  readonly cache?: StreamStateCache<S>;
}

export type DecideAndAppendOutcome<S, E> =
  /** The decision recorded nothing; `revision` is the stream's (-1 when it does not exist). */
  | { readonly kind: 'unchanged'; readonly state: S; readonly revision: bigint }
  | { readonly kind: 'appended'; readonly events: readonly E[]; readonly appended: AppendResult; readonly decidedAt: bigint }
  /** The stream is not at `expectedRevision` (read so, or a conflict on the append). */
  | { readonly kind: 'stale' }
  /** Every attempt lost a race with another writer. */
  | { readonly kind: 'conflicted' };

const MAX_ATTEMPTS = 5;

/**
 * The loop every command of an event-sourced stream takes: read the stream, fold it, decide, append
 * with the revision read (optimistic concurrency), and on a conflict read again and decide again, a
 * bounded number of times. With a cache, the read is only of the events past the revision folded
 * last time (the fold is pure and a stream only grows, so the cached state plus the tail is the whole
 * fold); only folds of events read back from the store are cached, never the decision's own events.
 * What follows an append (waiting for the views, forgetting a cache) is the caller's.
 */
export async function decideAndAppend<S, E>(
  eventStore: EventStore,
  fold: StreamFold<S, E>,
  { streamName, decide, toAppend, expectedRevision, maxAttempts = MAX_ATTEMPTS, cache }: DecideAndAppendOptions<S, E>,
): Promise<DecideAndAppendOutcome<S, E>> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { state, revision } = await readFolded(eventStore, fold, streamName, cache);
    const events = decide(state, revision);
    if (expectedRevision !== undefined && expectedRevision !== revision) return { kind: 'stale' };
    if (events.length === 0) return { kind: 'unchanged', state, revision };
    try {
      const appended = await eventStore.appendToStream(streamName, toAppend(events, revision), revision < 0n ? 'no_stream' : revision);
      return { kind: 'appended', events, appended, decidedAt: revision };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (expectedRevision !== undefined) return { kind: 'stale' };
    }
  }
  return { kind: 'conflicted' };
}

/** The stream's folded state and revision: the cached fold plus the events after it. */
async function readFolded<S, E>(eventStore: EventStore, fold: StreamFold<S, E>, streamName: string, cache?: StreamStateCache<S>): Promise<{ state: S; revision: bigint }> {
  const cached = cache?.get(streamName);
  const tail = await eventStore.readStream(streamName, cached ? { fromRevision: cached.revision + 1n } : undefined);
  let state = cached?.state ?? fold.initialState();
  let revision = cached?.revision ?? -1n;
  for (const recorded of tail) {
    const event = fold.decode(recorded);
    if (event !== undefined) state = fold.evolve(state, event);
    revision = recorded.revision;
  }
  if (cache && revision >= 0n && tail.length > 0) cache.set(streamName, { state, revision });
  return { state, revision };
}

/**
 * Folded states by stream, the most recently used kept, bounded by count and by approximate size (a
 * key's state carries its metadata: from under 1 KB to ~170 KB). An entry is a fold of the stream's
 * events up to `revision` as read from the store; a reader adds what lies after it, so an entry is
 * never wrong, only older.
 */
export class StreamStateCache<S> {
  private readonly entries: LRUCache<string, { readonly state: S; readonly revision: bigint }>;

  constructor({ maxEntries = 10_000, maxBytes = 32 * 1024 * 1024 }: { maxEntries?: number; maxBytes?: number } = {}) {
    this.entries = new LRUCache({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (entry) => approximateBytes(entry.state) });
  }

  get(streamName: string): { readonly state: S; readonly revision: bigint } | undefined {
    return this.entries.get(streamName);
  }

  set(streamName: string, entry: { readonly state: S; readonly revision: bigint }): void {
    this.entries.set(streamName, entry);
  }
}

/** A value's size in memory, roughly, for caches bounded by bytes: a fixed part per value, two bytes a character. */
export function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return 2 * value.length + 16;
  if (typeof value !== 'object' || value === null) return 8;
  let bytes = 64;
  for (const [name, member] of Object.entries(value)) bytes += 2 * name.length + approximateBytes(member);
  return bytes;
}
