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
 * log never holds an event back. Checkpoint messages with no events still yield a batch, so a
 * filter that matches nothing still moves the checkpoint.
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
      const next = events.length === 0 && !position ? await pending : await raceIdle(pending, maxWaitMs);
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

const raceIdle = <T>(pending: Promise<T>, ms: number): Promise<T | typeof IDLE> => {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(() => resolve(IDLE), ms)));
  return Promise.race([pending, idle]).finally(() => clearTimeout(timer));
};
