import { Command } from 'commander';
import { ExpiryNoticeProcessor, expiryNoticeQueries } from '@keystream/api-keys';
import { CLOCK, type Clock } from '@keystream/clock';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
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

/** The views, caught up with the log as it is now, so "due" is not answered from a stale view. */
async function caughtUp(eventStore: EventStore, waiter: CaughtUpWaiter): Promise<void> {
  const head = await eventStore.headPosition();
  if (head && !(await waiter.waitFor(head, 30_000))) throw new Error('The views did not catch up with the log within 30 s');
}
