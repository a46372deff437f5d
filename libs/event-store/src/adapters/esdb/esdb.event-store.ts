import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  StreamDeletedError,
  StreamNotFoundError,
  isSystemStream,
  type AllStreamResolvedEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../../event-store.port.js';
import { readAllFiltered } from './esdb.filtered-read.js';
import {
  isTransient,
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
  /**
   * Attempts (first try included) and backoff for appends and reads that fail transiently: the node
   * is unavailable, not the leader (the client has switched to the hinted leader by then), past the
   * deadline, or cancelled. Defaults: 3 attempts, 100 ms doubling to 1 s.
   */
  readonly retry?: { readonly maxAttempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

/** headPosition looks this far back for an event outside the `$` system streams. */
const HEAD_SEARCH = 100;
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * The EventStore port on EventStoreDB (20+ protocol; 23.10+ for caught-up signals, 22.6+ for
 * positions on stream reads) through `@eventstore/db-client`. Event ids are the caller's, so the
 * server's idempotency makes a retried append a no-op: appends and reads are retried with backoff
 * when the failure is transient, and every failure leaves as one of the port's errors.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscription: SubscriptionSettings;
  private readonly retry: RetryPolicy;

  /** Throws at once on a malformed connection string (the client parses it here). */
  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.subscription = {
      checkpointInterval: options.checkpointInterval ?? 1,
      initialDelayMs: options.reconnect?.initialDelayMs ?? 100,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 5_000,
    };
    this.retry = retry(handleWhen(isTransient), {
      maxAttempts: Math.max(0, (options.retry?.maxAttempts ?? 3) - 1),
      backoff: new ExponentialBackoff({ initialDelay: options.retry?.initialDelayMs ?? 100, maxDelay: options.retry?.maxDelayMs ?? 1_000 }),
    });
  }

  /**
   * Connects and reads the head of `$all` once (what every processor needs the user to be allowed),
   * so wrong credentials, TLS settings or host fail start-up with an error that says what to fix,
   * instead of surfacing later as 503s.
   */
  static async open(connectionString: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
    const store = new EsdbEventStore(connectionString, options);
    try {
      await store.headPosition();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** A tombstoned stream reads as absent, like a missing one; writing to it is refused (EventStreamDeletedError). */
  async readStream(streamName: string, { fromRevision }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      return await this.retry.execute(async () => {
        const events: RecordedEvent[] = [];
        for await (const resolved of this.client.readStream(streamName, fromRevision === undefined || fromRevision <= 0n ? {} : { fromRevision })) {
          const event = toRecordedEvent(resolved);
          if (!event) throw new Error(`Event ${resolved.event?.id} of ${streamName} is not a JSON event with a position`);
          events.push(event);
        }
        return events;
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      throw toStoreError(error, streamName, `read of ${streamName}`);
    }
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const data = events.map(toEventData);
    try {
      // The same event ids on every attempt: a write that landed before its answer was lost is not repeated.
      const result = await this.retry.execute(() =>
        this.client.appendToStream(streamName, data, { expectedRevision: toAppendExpectedRevision(expectedRevision) }),
      );
      const position = toGlobalPosition(result.position) ?? (await this.positionOf(streamName, result.nextExpectedRevision));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      throw toStoreError(error, streamName, `append to ${streamName}`);
    }
  }

  /** Filtered on the server: see esdb.filtered-read.ts. */
  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    try {
      return await this.retry.execute(() => readAllFiltered(this.client, options));
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
      const newest = await this.retry.execute(() => this.readAllPage(END, HEAD_SEARCH, BACKWARDS));
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
