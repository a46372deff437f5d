/**
 * The protocol double's storage: one append-only log of events, indexed by stream, with
 * EventStoreDB's expected-revision and idempotency rules (`IndexWriter.CheckCommit` on the server).
 * Positions are byte-like offsets, so they grow by more than one per event and are never contiguous,
 * as on a real server; commit and prepare positions are equal, as for every gRPC append.
 */

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  readonly streamName: string;
  readonly revision: bigint;
  /** Commit and prepare position alike. */
  readonly position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends them in the `created` metadata. */
  readonly createdTicks: bigint;
}

export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  /** `last` is undefined only for an empty append to a stream that does not exist. */
  | { readonly kind: 'written' | 'already-written'; readonly last: StoredEvent | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint | undefined; readonly expected: Expected };

type CommitDecision = { kind: 'ok' } | { kind: 'idempotent'; last: StoredEvent } | { kind: 'wrong' };

/** Roughly a prepare record's header, so positions look like a real transaction log's offsets. */
const RECORD_OVERHEAD = 122n;

export class EsdbLog {
  private readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly tombstones = new Set<string>();
  private nextPosition = 0n;

  /** Every event in commit order: what `$all` reads. */
  get all(): readonly StoredEvent[] {
    return this.events;
  }

  stream(streamName: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamName);
  }

  /** Index of the first event at or after `position` in `all`, or `all.length`. */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.events[middle]!.position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Hard-deletes a stream: it can never be read or written again (its events stay in `$all` here). */
  tombstone(streamName: string): void {
    this.tombstones.add(streamName);
  }

  isTombstoned(streamName: string): boolean {
    return this.tombstones.has(streamName);
  }

  /** Called synchronously for each committed event, in commit order. Returns the unsubscribe. */
  onCommitted(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: Expected, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const decision = checkCommit(stream, expected, proposed.map((event) => event.id));
    if (decision.kind === 'wrong') {
      return { kind: 'wrong-expected-version', current: currentRevision(stream), expected };
    }
    if (decision.kind === 'idempotent') return { kind: 'already-written', last: decision.last };
    if (proposed.length === 0) return { kind: 'written', last: stream[stream.length - 1] };
    const createdTicks = BigInt(Date.now()) * 10_000n;
    const written = proposed.map((event, index): StoredEvent => {
      const stored = { ...event, streamName, revision: BigInt(stream.length + index), position: this.nextPosition, createdTicks };
      this.nextPosition += RECORD_OVERHEAD + BigInt(streamName.length + event.type.length + event.data.length + event.metadata.length);
      return stored;
    });
    this.events.push(...written);
    this.streams.set(streamName, [...stream, ...written]);
    for (const event of written) for (const listener of [...this.listeners]) listener(event);
    return { kind: 'written', last: written[written.length - 1]! };
  }
}

const currentRevision = (stream: readonly StoredEvent[]): bigint | undefined =>
  stream.length === 0 ? undefined : BigInt(stream.length - 1);

function checkCommit(stream: readonly StoredEvent[], expected: Expected, ids: readonly string[]): CommitDecision {
  switch (expected.kind) {
    case 'any':
      return checkAny(stream, ids);
    case 'stream_exists':
      return stream.length === 0 ? { kind: 'wrong' } : checkAny(stream, ids);
    case 'no_stream':
      return checkExact(stream, -1n, ids);
    case 'revision':
      return checkExact(stream, expected.revision, ids);
    default:
      return expected satisfies never;
  }
}

/**
 * `any`: the server looks the ids up among the stream's committed events (a bounded cache on a real
 * server, the whole stream here). First id unknown: a new write. All known: a retry. Only some
 * known: "corrupted idempotency", which the server answers as a wrong expected version.
 */
function checkAny(stream: readonly StoredEvent[], ids: readonly string[]): CommitDecision {
  let last: StoredEvent | undefined;
  for (const id of ids) {
    const found = stream.find((event) => event.id === id);
    if (!found) return last ? { kind: 'wrong' } : { kind: 'ok' };
    last = found;
  }
  return last ? { kind: 'idempotent', last } : { kind: 'ok' };
}

/**
 * Exact revision (`no_stream` is revision -1): equal to the current revision writes; ahead of it
 * is wrong; behind it is a retry only when the events right after the expected revision carry the
 * same ids, in order.
 */
function checkExact(stream: readonly StoredEvent[], expected: bigint, ids: readonly string[]): CommitDecision {
  const current = BigInt(stream.length - 1);
  if (expected === current) return { kind: 'ok' };
  if (expected > current || ids.length === 0) return { kind: 'wrong' };
  const retried = ids.map((id, index) => stream[Number(expected) + 1 + index]);
  if (retried.some((event, index) => event?.id !== ids[index])) return { kind: 'wrong' };
  return { kind: 'idempotent', last: retried[retried.length - 1]! };
}
