import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  isSystemStream,
  type AllStreamResolvedEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../../event-store.port.js';
import { comparePositions } from '../../global-position.js';
import {
  isOurs,
  toAppendExpectedRevision,
  toEventData,
  toGlobalPosition,
  toRecordedEvent,
  toStoreError,
} from './esdb.mapping.js';
import { esdbSubscription, newestPosition, type SubscriptionSettings } from './esdb.subscription.js';

export interface EsdbEventStoreOptions {
  /** Filtered subscriptions checkpoint every `checkpointInterval` search windows of 32 events (default 1). */
  readonly checkpointInterval?: number;
  /** Backoff between resubscriptions after the server goes away (defaults 100 ms doubling to 5 s). */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

/** `$all` is read in pages of this many events, whatever the filter matches. */
const PAGE_SIZE = 500;
/** headPosition looks this far back for an event outside the `$` system streams. */
const HEAD_SEARCH = 100;
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * The EventStore port on EventStoreDB (20+ protocol; 23.10+ for caught-up signals, 22.6+ for
 * positions on stream reads) through `@eventstore/db-client`. Event ids are the caller's, so the
 * server's idempotency makes a retried append a no-op.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscription: SubscriptionSettings;

  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.subscription = {
      checkpointInterval: options.checkpointInterval ?? 1,
      initialDelayMs: options.reconnect?.initialDelayMs ?? 100,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 5_000,
    };
  }

  async readStream(streamName: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName)) {
        const event = toRecordedEvent(resolved);
        if (!event) throw new Error(`Event ${resolved.event?.id} of ${streamName} is not a JSON event with a position`);
        events.push(event);
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error, streamName, `read of ${streamName}`);
    }
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(streamName, events.map(toEventData), {
        expectedRevision: toAppendExpectedRevision(expectedRevision),
      });
      const position = toGlobalPosition(result.position) ?? (await this.positionOf(streamName, result.nextExpectedRevision));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      throw toStoreError(error, streamName, `append to ${streamName}`);
    }
  }

  /**
   * The client's readAll has no server-side filter: pages are read from the position (inclusive on
   * the server, so the event at `after` is dropped here) and filtered by prefix on this side.
   */
  async readAll({ after, maxCount, filter }: ReadAllOptions): Promise<ReadAllResult> {
    const events: RecordedEvent[] = [];
    let scannedTo: GlobalPosition | undefined;
    let from: ReadPosition = after ?? START;
    try {
      for (;;) {
        const page = await this.readAllPage(from, PAGE_SIZE);
        const pageStart = scannedTo;
        for (const resolved of page) {
          const position = toGlobalPosition(resolved.event?.position);
          const boundary = scannedTo ?? after;
          if (!position || (boundary && comparePositions(position, boundary) <= 0)) continue;
          scannedTo = position;
          const event = toRecordedEvent(resolved);
          if (!event || !isOurs(event.streamName, filter)) continue;
          events.push(event);
          if (events.length === maxCount) return { events, isEnd: false, scannedTo };
        }
        if (page.length < PAGE_SIZE || !scannedTo || scannedTo === pageStart) return { events, isEnd: true, scannedTo };
        from = scannedTo;
      }
    } catch (error) {
      throw toStoreError(error, undefined, 'read of $all');
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<SubscriptionMessage> {
    return esdbSubscription(this.client, options, this.subscription);
  }

  /** The newest event outside the `$` system streams (the newest of all if none is near the end). */
  async headPosition(): Promise<GlobalPosition | undefined> {
    try {
      const newest = await this.readAllPage(END, HEAD_SEARCH, BACKWARDS);
      const ours = newest.find((resolved) => resolved.event && !isSystemStream(resolved.event.streamId)) ?? newest[0];
      return toGlobalPosition(ours?.event?.position);
    } catch (error) {
      throw toStoreError(error, undefined, 'read of the $all head');
    }
  }

  async isHealthy(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS)));
    const probe = newestPosition(this.client).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** Reads a whole page before returning, so the gRPC call always runs to its end. */
  private async readAllPage(
    fromPosition: ReadPosition,
    maxCount: number,
    direction: typeof FORWARDS | typeof BACKWARDS = FORWARDS,
  ): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, maxCount, direction })) page.push(resolved);
    return page;
  }

  /** Servers before 22.6 answer an idempotent retry without a position: look the event up, or use the head. */
  private async positionOf(streamName: string, revision: bigint): Promise<GlobalPosition> {
    for await (const resolved of this.client.readStream(streamName, { fromRevision: revision, maxCount: 1 })) {
      const position = toGlobalPosition(resolved.event?.position);
      if (position) return position;
    }
    const head = await newestPosition(this.client);
    if (!head) throw new Error(`EventStoreDB reported a write to ${streamName} but $all is empty`);
    return head;
  }
}
