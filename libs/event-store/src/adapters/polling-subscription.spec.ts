import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventToAppend, SubscriptionMessage } from '../event-store.port.js';
import { InMemoryEventStore } from './in-memory/in-memory.event-store.js';
import { LogNotifier } from './log-notifier.js';
import { LIVE_SKIPPED_CHECKPOINT_MS, pollingSubscription } from './polling-subscription.js';

/** Lets the subscription read what was just appended. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const event = (): EventToAppend => ({ id: randomUUID(), type: 'E', data: {}, metadata: {} });

describe('pollingSubscription', () => {
  it('once live, reports a move past skipped events at most once per interval, and never holds a matching event back', async () => {
    const store = new InMemoryEventStore();
    const notifier = new LogNotifier();
    const controller = new AbortController();
    let clock = 1_000_000;
    const messages = pollingSubscription(store, notifier, { filter: { streamNamePrefixes: ['mine-'] }, signal: controller.signal }, () => clock)[Symbol.asyncIterator]();
    const append = async (stream: string) => {
      await store.appendToStream(stream, [event()], 'any');
      notifier.notify();
    };
    const next = async (): Promise<SubscriptionMessage> => (await messages.next()).value as SubscriptionMessage;
    const summary = (m: SubscriptionMessage) => (m.kind === 'event' ? `event ${m.event.position.commit}` : m.kind === 'checkpoint' ? `checkpoint ${m.position.commit}` : m.kind);

    expect(summary(await next())).toBe('caught-up');
    await append('other-1');
    expect(summary(await next())).toBe('checkpoint 1');
    // Within the interval: the skipped events are not reported (each read alone, live), the matching one comes at once.
    const pending = next();
    await append('other-2');
    await settle();
    await append('other-3');
    await settle();
    await append('mine-1');
    expect(summary(await pending)).toBe('event 4');
    // Past the interval, the next skipped event is reported.
    clock += LIVE_SKIPPED_CHECKPOINT_MS;
    await append('other-4');
    expect(summary(await next())).toBe('checkpoint 5');
    controller.abort();
    await messages.return?.(undefined);
  });
});
