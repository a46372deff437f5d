import type { GlobalPosition, RecordedEvent, SubscriptionMessage } from '@keystream/event-store';

export interface Batch {
  events: RecordedEvent[];
  /** Where the checkpoint moves once the batch is applied; absent for a bare "caught up" signal. */
  position?: GlobalPosition;
  /** True when the batch ends at the live end of the log. */
  caughtUp: boolean;
}

const IDLE = Symbol('idle');

/**
 * Groups a subscription's messages into batches: a batch closes when it is full, when the
 * subscription reports it caught up, or when no message arrives within `maxWaitMs`, so a quiet
 * log never holds an event back. Once live (after "caught up") it closes as soon as no message is
 * ready, at the next turn of the event loop: a live event (a command waiting for its views) is
 * applied the moment it is read, while everything read together (a page of the log, the appends of
 * one group commit) still goes in one batch. Checkpoint messages with no events still yield a
 * batch, so a filter that matches nothing still moves the checkpoint.
 */
export async function* batchMessages(
  messages: AsyncIterable<SubscriptionMessage>,
  { maxSize, maxWaitMs }: { maxSize: number; maxWaitMs: number },
): AsyncGenerator<Batch> {
  const iterator = messages[Symbol.asyncIterator]();
  let events: RecordedEvent[] = [];
  let position: GlobalPosition | undefined;
  let caughtUp = false;
  let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
  const flush = (): Batch | undefined => {
    if (!position) return undefined;
    const batch = { events, position, caughtUp };
    events = [];
    position = undefined;
    return batch;
  };
  try {
    for (;;) {
      pending ??= iterator.next();
      const next = events.length === 0 && !position ? await pending : await raceIdle(pending, caughtUp ? 0 : maxWaitMs);
      if (next === IDLE) {
        yield flush()!;
        continue;
      }
      pending = undefined;
      if (next.done) break;
      const message = next.value;
      if (message.kind === 'event') {
        events.push(message.event);
        position = message.event.position;
      } else if (message.kind === 'checkpoint') {
        position = message.position;
      } else {
        caughtUp = true;
        yield flush() ?? { events: [], caughtUp };
        continue;
      }
      if (events.length >= maxSize) yield flush()!;
    }
    const last = flush();
    if (last) yield last;
  } finally {
    await iterator.return?.();
  }
}

/** `ms` 0: idle once the event loop has run what is ready (setImmediate), with no timer's minimum delay. */
const raceIdle = <T>(pending: Promise<T>, ms: number): Promise<T | typeof IDLE> => {
  let cancel: () => void = () => undefined;
  const idle = new Promise<typeof IDLE>((resolve) => {
    if (ms === 0) {
      const immediate = setImmediate(() => resolve(IDLE));
      cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => resolve(IDLE), ms);
      cancel = () => clearTimeout(timer);
    }
  });
  return Promise.race([pending, idle]).finally(cancel);
};
