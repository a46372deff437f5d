import type { EventStore, GlobalPosition, SubscribeToAllOptions, SubscriptionMessage } from '../event-store.port.js';
import { comparePositions } from '../global-position.js';
import type { LogNotifier } from './log-notifier.js';

/** As large as a processor's catch-up batch, so a batch is one read of the log. */
const PAGE_SIZE = 2_000;
/** Another process may append to the same file; local appends wake the loop at once. */
const POLL_INTERVAL_MS = 100;

/** subscribeToAll for stores that can only be read: page through readAll, then poll for news. */
export async function* pollingSubscription(
  store: Pick<EventStore, 'readAll'>,
  notifier: LogNotifier,
  { after, filter, signal }: SubscribeToAllOptions,
): AsyncGenerator<SubscriptionMessage> {
  let position: GlobalPosition | undefined = after;
  let caughtUp = false;
  while (!signal.aborted) {
    const page = await store.readAll({ after: position, maxCount: PAGE_SIZE, filter });
    for (const event of page.events) {
      if (signal.aborted) return;
      position = event.position;
      yield { kind: 'event', event };
    }
    if (page.scannedTo && (!position || comparePositions(page.scannedTo, position) > 0)) {
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
