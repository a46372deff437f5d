import { type EventStore, type GlobalPosition, formatPosition, parsePosition } from '@keystream/event-store';
import type { CheckpointReader } from '@keystream/read-model';
import { AUDIT_RELAY, AUDIT_RELAY_FILTER } from './audit-relay.js';

export interface RelayLag {
  name: string;
  /** The last position published and acknowledged; undefined before the first batch. */
  checkpoint?: string;
  /** The newest position in the event store; undefined for an empty store. */
  head?: string;
  /** Audited events (key, tenant policy, directory) recorded but not yet acknowledged by the broker (0 when caught up). */
  eventsBehind: number;
  /** True when counting stopped at the limit: at least `eventsBehind` events are waiting. */
  eventsBehindIsLowerBound: boolean;
}

const PAGE = 1000;

/**
 * How far the relay trails the event store, for `relay status` and the lag gauge. Counting reads
 * the waiting events themselves (positions are byte offsets in EventStoreDB, so subtracting them
 * counts nothing), stopping at `countLimit` so a long outage costs a bounded read.
 */
export async function relayLag(
  eventStore: Pick<EventStore, 'headPosition' | 'readAll'>,
  readModel: CheckpointReader,
  { name = AUDIT_RELAY, countLimit = 10_000 }: { name?: string; countLimit?: number } = {},
): Promise<RelayLag> {
  const checkpoint = await readModel.getCheckpoint(name);
  const head = await eventStore.headPosition();
  let after: GlobalPosition | undefined = checkpoint === undefined ? undefined : parsePosition(checkpoint);
  let eventsBehind = 0;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: Math.min(PAGE, countLimit - eventsBehind), filter: AUDIT_RELAY_FILTER });
    eventsBehind += page.events.length;
    if (page.isEnd) return { name, checkpoint, head: head && formatPosition(head), eventsBehind, eventsBehindIsLowerBound: false };
    if (eventsBehind >= countLimit) return { name, checkpoint, head: head && formatPosition(head), eventsBehind, eventsBehindIsLowerBound: true };
    after = page.events.at(-1)!.position;
  }
}
