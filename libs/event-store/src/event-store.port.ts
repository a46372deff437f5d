/**
 * The event store port: everything Keystream needs from an append-only log of streams.
 * Semantics follow EventStoreDB's, so its adapter is a thin mapping and the others imitate it:
 * stream revisions start at 0, `$all` is totally ordered by commit position, and an append that
 * repeats the event ids of the previous append at the same expected revision is idempotent.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Where an event sits in the global log. Embedded stores use one sequence for both parts. */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** `no_stream`: the stream must not exist yet; bigint: the revision of the stream's last event. */
export type ExpectedRevision = 'no_stream' | 'any' | bigint;

export type JsonObject = { [key: string]: unknown };

export interface EventToAppend {
  /** A UUID chosen by the caller; stable across retries so a resend is idempotent. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** The revision of the last event written; pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /** The global position of the last event written; wait for processors to pass it. */
  readonly position: GlobalPosition;
}

export interface AllFilter {
  /** Only events of streams whose name starts with one of these. */
  readonly streamNamePrefixes: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the start. */
  readonly after?: GlobalPosition;
  readonly maxCount: number;
  readonly filter: AllFilter;
}

export interface ReadAllResult {
  readonly events: RecordedEvent[];
  /** True when the read reached the end of the log (fewer than maxCount matched). */
  readonly isEnd: boolean;
  /**
   * How far the log was scanned: the last returned event's position, or at the end the log's head
   * when the read was taken, so a filter that matched nothing still lets a reader move on.
   */
  readonly scannedTo?: GlobalPosition;
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** The filter scanned up to here without a match: a processor may store it as its checkpoint. */
  | { readonly kind: 'checkpoint'; readonly position: GlobalPosition }
  /** Everything recorded when the subscription started has been delivered; live events follow. */
  | { readonly kind: 'caught-up' };

export interface SubscribeToAllOptions {
  /** Exclusive: deliver events strictly after this position. Omitted: from the start. */
  readonly after?: GlobalPosition;
  readonly filter: AllFilter;
  /** Ends the iteration (the iterator returns) when aborted. */
  readonly signal: AbortSignal;
}

export interface ReadStreamOptions {
  /** Inclusive: the first revision to read. Omitted: from the stream's start. */
  readonly fromRevision?: bigint;
}

export interface EventStore {
  /**
   * All events of one stream in revision order; an empty array when the stream does not exist. With
   * `fromRevision`, only the events at that revision and after (a reader that folded the earlier ones
   * reads just what is new).
   */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Throws ConcurrencyError when the stream's revision is not the expected one. */
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /** A page of the global log, in commit order, for catch-up reads and rebuilds. */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** Catch-up then live subscription to the global log, in commit order, at least once. */
  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<SubscriptionMessage>;
  /** The position of the newest event in the log, or undefined for an empty log. */
  headPosition(): Promise<GlobalPosition | undefined>;
  /** False when the store cannot be reached (for readiness). */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}
