import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryEventStore, formatPosition } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import type { ReadModel } from '@keystream/read-model';
import { caughtUp } from './expiry-notices.command.js';

/** Only getCheckpoint is read by the waiter. */
const checkpoints = (values: Record<string, string | undefined>) => ({ getCheckpoint: async (name: string) => values[name] }) as unknown as ReadModel;
const projections = [
  { name: 'key-expiry-notice', filter: { streamNamePrefixes: ['apikey-'] } },
  { name: 'directory-users', filter: { streamNamePrefixes: ['directory-user-'] } },
];

describe('cli expiry-notices: waiting for the views', () => {
  it('waits for the key views to show the newest key event, not for a directory view or the log head', async () => {
    const store = new InMemoryEventStore();
    const append = async (stream: string) => (await store.appendToStream(stream, [{ id: randomUUID(), type: 'KeyEdited', data: {}, metadata: {} }], 'no_stream')).position;
    const keyEvent = await append(`apikey-${randomUUID()}`);
    await append(`directory-user-${randomUUID()}`);
    // The key view shows the key event; the directory view, as a filtered EventStoreDB view between
    // server checkpoints, has not moved; nothing has reached the head (the directory event).
    const values: Record<string, string | undefined> = { 'key-expiry-notice': formatPosition(keyEvent), 'directory-users': undefined };
    await expect(caughtUp(store, new CaughtUpWaiter(checkpoints(values), projections), 200)).resolves.toBeUndefined();
    // And a key event the key view does not show yet is waited for, then refused at the deadline.
    await append(`apikey-${randomUUID()}`);
    await expect(caughtUp(store, new CaughtUpWaiter(checkpoints(values), projections), 50)).rejects.toThrow('did not catch up');
    await store.close();
  });
});
