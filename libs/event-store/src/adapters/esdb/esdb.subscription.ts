/**
 * subscribeToAll over `client.subscribeToAll`: a server-side prefix filter with `checkpointReached`,
 * resubscribed with backoff after the server goes away, always from the last position handed out,
 * so nothing is lost and nothing is handed out twice or out of order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKWARDS, END, START, streamNameFilter, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import type { GlobalPosition, SubscribeToAllOptions, SubscriptionMessage } from '../../event-store.port.js';
import { comparePositions } from '../../global-position.js';
import { isOurs, isTransient, toGlobalPosition, toRecordedEvent, toStoreError } from './esdb.mapping.js';
import { OrderedSubscription } from './esdb.ordered-subscription.js';

export interface SubscriptionSettings {
  /** Search windows (32 events each on the server) between checkpoints. */
  readonly checkpointInterval: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export async function* esdbSubscription(
  client: EventStoreDBClient,
  { after, filter, signal }: SubscribeToAllOptions,
  settings: SubscriptionSettings,
): AsyncGenerator<SubscriptionMessage> {
  let last = after;
  let caughtUp = false;
  let failures = 0;
  const isNew = (position: GlobalPosition) => !last || comparePositions(position, last) > 0;
  while (!signal.aborted) {
    let source: OrderedSubscription | undefined;
    try {
      // Read before subscribing: every event up to here is handed out before the server says caught up.
      const head = await newestPosition(client);
      source = new OrderedSubscription((checkpointReached) =>
        subscribe(client, last, filter.streamNamePrefixes, settings.checkpointInterval, checkpointReached),
      );
      for await (const item of source.items(signal)) {
        switch (item.kind) {
          case 'confirmed':
            failures = 0;
            break;
          case 'event': {
            const position = toGlobalPosition(item.resolved.event?.position);
            if (!position || !isNew(position)) break;
            last = position;
            const event = toRecordedEvent(item.resolved);
            if (event && isOurs(event.streamName, filter)) yield { kind: 'event', event };
            break;
          }
          case 'checkpoint':
            if (!isNew(item.position)) break;
            last = item.position;
            yield { kind: 'checkpoint', position: item.position };
            break;
          case 'caught-up':
            // The server only checkpoints every few windows; a quiet filter still passes the head.
            if (head && isNew(head)) {
              last = head;
              yield { kind: 'checkpoint', position: head };
            }
            if (!caughtUp) yield { kind: 'caught-up' };
            caughtUp = true;
            break;
          case 'dropped':
            throw item.error;
          default:
            item satisfies never;
        }
      }
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (!isTransient(error)) throw toStoreError(error, undefined, 'subscription to $all');
      const delay = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** failures++);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    } finally {
      await source?.close();
    }
  }
}

/** A server-side filtered catch-up subscription to `$all`, strictly after `after`. */
export function subscribe(
  client: EventStoreDBClient,
  after: GlobalPosition | undefined,
  prefixes: readonly string[],
  checkpointInterval: number,
  checkpointReached: (position: GlobalPosition) => void,
): AllStreamSubscription {
  return client.subscribeToAll({
    fromPosition: after ?? START,
    filter: streamNameFilter({
      prefixes: [...prefixes],
      checkpointInterval,
      checkpointReached: (_subscription, position) => checkpointReached(position),
    }),
  });
}

/** The newest event of `$all`, any stream; undefined for an empty log. */
export async function newestPosition(client: EventStoreDBClient): Promise<GlobalPosition | undefined> {
  let newest: GlobalPosition | undefined;
  for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
    newest = toGlobalPosition(resolved.event?.position);
  }
  return newest;
}
