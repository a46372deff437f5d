import { ConcurrencyError } from '../../event-store.errors.js';
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
import { sequencePosition } from '../../global-position.js';
import { LogNotifier } from '../log-notifier.js';
import { pollingSubscription } from '../polling-subscription.js';
import { appendOutcome, matchesFilter } from '../append-rules.js';

/** The reference semantics of the port, and the unit-test double. Nothing survives the process. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly notifier = new LogNotifier();

  async readStream(streamName: string, { fromRevision = 0n }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (this.streams.get(streamName) ?? []).slice(fromRevision > 0n ? Number(fromRevision) : 0);
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamName) ?? [];
    const outcome = appendOutcome(streamName, stream, events, expectedRevision);
    if (outcome.kind === 'conflict') throw new ConcurrencyError(streamName, outcome.expected, outcome.actual);
    if (outcome.kind === 'already-appended') return outcome.result;
    const recorded = events.map((event, index): RecordedEvent => ({
      ...structuredClone(event),
      streamName,
      revision: BigInt(stream.length + index),
      position: sequencePosition(BigInt(this.log.length + index + 1)),
      recordedAt: new Date(),
    }));
    this.log.push(...recorded);
    this.streams.set(streamName, [...stream, ...recorded]);
    this.notifier.notify();
    const last = recorded[recorded.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async readAll({ after, maxCount, filter }: ReadAllOptions): Promise<ReadAllResult> {
    const start = after === undefined ? 0 : Number(after.commit);
    const events = this.log.slice(start).filter((event) => matchesFilter(event, filter)).slice(0, maxCount);
    const isEnd = events.length < maxCount;
    const scannedTo = isEnd ? await this.headPosition() : events[events.length - 1]!.position;
    return { events, isEnd, scannedTo };
  }

  subscribeToAll(options: SubscribeToAllOptions): AsyncIterable<SubscriptionMessage> {
    return pollingSubscription(this, this.notifier, options);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    return this.log.length === 0 ? undefined : sequencePosition(BigInt(this.log.length));
  }

  async isHealthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.notifier.close();
  }
}
