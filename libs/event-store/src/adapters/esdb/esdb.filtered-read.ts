/**
 * readAll with the filter applied on the server. The 6.x client's `readAll` has no filter, so a page
 * read through it carries every event of `$all` (other services' streams, `$stats`...) to this side
 * only to drop most of them. A filtered catch-up subscription from the page's start carries only the
 * matching events, and the server's `CaughtUp` (23.10+) says where the log ends; the subscription is
 * closed as soon as the page is full.
 */
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { GlobalPosition, ReadAllOptions, ReadAllResult, RecordedEvent } from '../../event-store.port.js';
import { comparePositions } from '../../global-position.js';
import { isOurs, toGlobalPosition, toRecordedEvent } from './esdb.mapping.js';
import { OrderedSubscription } from './esdb.ordered-subscription.js';
import { newestPosition, subscribe } from './esdb.subscription.js';

/** Search windows (32 events each) between the server's checkpoints; a page only needs them rarely. */
const READ_CHECKPOINT_INTERVAL = 1_000;

const later = (a: GlobalPosition | undefined, b: GlobalPosition | undefined) => (!a ? b : !b ? a : comparePositions(a, b) >= 0 ? a : b);

export async function readAllFiltered(client: EventStoreDBClient, { after, maxCount, filter }: ReadAllOptions): Promise<ReadAllResult> {
  // Read before subscribing: at the end, the page has scanned at least this far.
  const head = await newestPosition(client);
  const controller = new AbortController();
  const source = new OrderedSubscription((checkpointReached) =>
    subscribe(client, after, filter.streamNamePrefixes, READ_CHECKPOINT_INTERVAL, checkpointReached),
  );
  const events: RecordedEvent[] = [];
  let scanned: GlobalPosition | undefined;
  try {
    for await (const item of source.items(controller.signal)) {
      switch (item.kind) {
        case 'confirmed':
          break;
        case 'event': {
          const position = toGlobalPosition(item.resolved.event?.position);
          if (!position || (after && comparePositions(position, after) <= 0)) break;
          scanned = later(scanned, position);
          const event = toRecordedEvent(item.resolved);
          if (!event || !isOurs(event.streamName, filter)) break;
          events.push(event);
          if (events.length === maxCount) return { events, isEnd: false, scannedTo: position };
          break;
        }
        case 'checkpoint':
          scanned = later(scanned, item.position);
          break;
        case 'caught-up': {
          const end = later(scanned, head);
          return { events, isEnd: true, scannedTo: end && after && comparePositions(end, after) <= 0 ? undefined : end };
        }
        case 'dropped':
          throw item.error;
        default:
          item satisfies never;
      }
    }
    throw new Error('The filtered read of $all ended before the server caught up');
  } finally {
    controller.abort();
    await source.close();
  }
}
