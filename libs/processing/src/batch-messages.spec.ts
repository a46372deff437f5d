import { describe, expect, it } from 'vitest';
import { type RecordedEvent, type SubscriptionMessage, sequencePosition } from '@keystream/event-store';
import { type Batch, batchMessages } from './batch-messages.js';

const recorded = (n: number): RecordedEvent => ({
  id: `e${n}`, type: 'KeyEdited', streamName: `apikey-${n}`, revision: 0n, position: sequencePosition(BigInt(n)), data: {}, metadata: {}, recordedAt: new Date(0),
});

/** A subscription whose live part is fed by the test; it ends only when told (as a live one on abort). */
const feed = () => {
  const queue: SubscriptionMessage[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const push = (...items: SubscriptionMessage[]) => {
    queue.push(...items);
    wake?.();
  };
  const end = () => {
    ended = true;
    wake?.();
  };
  return { messages: messages(), push, end };
};

const next = <T>(iterator: AsyncIterator<T>, withinMs: number): Promise<T | 'timeout'> =>
  Promise.race([iterator.next().then((result) => result.value as T), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), withinMs))]);

describe('batchMessages', () => {
  it('once live, hands a live event on at once rather than after maxWaitMs, and what was read together in one batch', async () => {
    const { messages, push, end } = feed();
    const batches = batchMessages(messages, { maxSize: 500, maxWaitMs: 60_000 });
    push({ kind: 'event', event: recorded(1) }, { kind: 'caught-up' });
    expect(((await next(batches, 1_000)) as Batch).events.map((e) => e.id)).toEqual(['e1']);

    push({ kind: 'event', event: recorded(2) });
    // maxWaitMs is a minute: only closing the batch when nothing more is ready can answer within the second.
    const live = await next(batches, 1_000);
    expect(live).not.toBe('timeout');
    expect((live as Batch).events.map((e) => e.id)).toEqual(['e2']);
    expect((live as Batch).caughtUp).toBe(true);

    push({ kind: 'event', event: recorded(3) }, { kind: 'event', event: recorded(4) }, { kind: 'event', event: recorded(5) });
    const together = (await next(batches, 1_000)) as Batch;
    expect(together.events.map((e) => e.id)).toEqual(['e3', 'e4', 'e5']);
    expect(together.position).toEqual(sequencePosition(5n));
    end();
    expect((await batches.next()).done).toBe(true);
  });

  it('while catching up, waits up to maxWaitMs for more before closing a batch that is not full', async () => {
    const { messages, push, end } = feed();
    const batches = batchMessages(messages, { maxSize: 500, maxWaitMs: 60_000 });
    push({ kind: 'event', event: recorded(1) });
    const pending = batches.next();
    expect(await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('timeout'), 100))])).toBe('timeout');
    push({ kind: 'event', event: recorded(2) });
    end();
    expect((await pending).value?.events.map((e: RecordedEvent) => e.id)).toEqual(['e1', 'e2']);
  });
});
