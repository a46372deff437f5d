import type { EventStore, GlobalPosition, SubscribeToAllOptions, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions } from '../global-position.js';
import type { LogNotifier } from './log-notifier.js';

/** As large as a processor's catch-up batch, so a batch is one read of the log. */
const PAGE_SIZE = 2_000;
/** Another process may append to the same file; local appends wake the loop at once. */
const POLL_INTERVAL_MS = 100;
/**
 * Once live, a move past events the filter skips (another lib's streams) is reported at most this
 * often, as EventStoreDB reports a filtered subscription's checkpoints only every 32 events: each
 * report is a transaction (and an fsync) of the processor's checkpoint, and reported per append it
 * cost a key command two extra view commits (the directory views'). Matching events are never held
 * back, and a quiet log reports the move at the first poll past the interval.
 */
export const LIVE_SKIPPED_CHECKPOINT_MS = 1_000;

/** subscribeToAll for stores that can only be read: page through readAll, then poll for news. */
export async function* pollingSubscription(
  store: Pick<EventStore, 'readAll'>,
  notifier: LogNotifier,
  { after, filter, signal }: SubscribeToAllOptions,
  now: () => number = Date.now,
): AsyncGenerator<SubscriptionMessage> {
  let position: GlobalPosition | undefined = after;
  let caughtUp = false;
  let skippedReportedAt = Number.NEGATIVE_INFINITY;
  while (!signal.aborted) {
    const page = await store.readAll({ after: position, maxCount: PAGE_SIZE, filter });
    for (const event of page.events) {
      if (signal.aborted) return;
      position = event.position;
      yield { kind: 'event', event };
    }
    const skippedOnly = caughtUp && page.events.length === 0;
    if (page.scannedTo && (!position || comparePositions(page.scannedTo, position) > 0) && (!skippedOnly || now() - skippedReportedAt >= LIVE_SKIPPED_CHECKPOINT_MS)) {
      if (skippedOnly) skippedReportedAt = now();
      position = page.scannedTo;
      yield { kind: 'checkpoint', position };
    }
    if (page.isEnd) {
      if (!caughtUp) {
        caughtUp = true;
        yield { kind: 'caught-up' };
      }
      await notifier.wait(POLL_INTERVAL_MS, signal);
    }
  }
}
