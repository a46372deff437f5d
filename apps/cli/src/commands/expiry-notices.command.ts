import { Command } from 'commander';
import { API_KEY_STREAM_PREFIX, ExpiryNoticeProcessor, expiryNoticeQueries } from '@keystream/api-keys';
import { CLOCK, type Clock } from '@keystream/clock';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { withCliContext } from '../cli-context.js';

/** The expiry notices (README, "Expiry notices"): which keys are due, and one pass by hand. */
export const expiryNoticesCommand = () => {
  const notices = new Command('expiry-notices').description('Expiry notices: keys due for one, and a pass that records them');
  notices
    .command('due')
    .description('List the keys whose next expiry notice is due now (tenant, key uid, due since), changing nothing')
    .action(async () => {
      await withCliContext(async (context) => {
        await caughtUp(context.get(EVENT_STORE), context.get(CaughtUpWaiter));
        const queries = expiryNoticeQueries(context.get<ReadModel>(READ_MODEL).live);
        const due = await queries.dueForNotice(context.get<Clock>(CLOCK).now(), 10_000);
        for (const row of due) process.stdout.write(`${row.tenantId}\t${row.keyId}\t${row.nextNoticeAt}\n`);
        process.stdout.write(`${due.length} key(s) due\n`);
      });
    });
  notices
    .command('pass')
    .description('Record every notice due now (what the lease holder does each minute; safe beside it)')
    .action(async () => {
      await withCliContext(async (context) => {
        const eventStore = context.get<EventStore>(EVENT_STORE);
        await caughtUp(eventStore, context.get(CaughtUpWaiter));
        const processor = new ExpiryNoticeProcessor(eventStore, expiryNoticeQueries(context.get<ReadModel>(READ_MODEL).live), context.get<Clock>(CLOCK), { info() {}, warn() {} });
        process.stdout.write(`${await processor.pass()} notice(s) recorded\n`);
      });
    });
  return notices;
};

const KEY_STREAMS = { streamNamePrefixes: [API_KEY_STREAM_PREFIX] };

/**
 * The key views (or those of `streams`), caught up with every key event in the log as it is now, so "due" is not answered
 * from a stale view. It waits for the newest key event, for the views that read key streams only:
 * not for the log's head, which on EventStoreDB a filtered view reaches only at the server's next
 * checkpoint when the head is another stream's event.
 */
export async function caughtUp(eventStore: EventStore, waiter: CaughtUpWaiter, timeoutMs = 30_000, streams: { streamNamePrefixes: string[] } = KEY_STREAMS): Promise<void> {
  let after = await waiter.lowestCheckpoint(streams);
  let newest: RecordedEvent | undefined;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: 1_000, filter: streams });
    newest = page.events.at(-1) ?? newest;
    if (page.isEnd || page.events.length === 0) break;
    after = newest!.position;
  }
  if (newest && !(await waiter.waitFor(newest.position, timeoutMs, newest.streamName))) {
    throw new Error(`The views of ${streams.streamNamePrefixes.join(', ')} streams did not catch up with the log within ${timeoutMs / 1000} s`);
  }
}
