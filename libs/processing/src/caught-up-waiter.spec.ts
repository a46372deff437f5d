import { describe, expect, it } from 'vitest';
import { sequencePosition } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { CaughtUpWaiter, CheckpointReadTimeoutError } from './caught-up-waiter.js';

/** Only getCheckpoint is used by the waiter; the rest of the port is not needed here. */
const checkpointsAt = (positions: Record<string, number>, calls = { count: 0 }, failWith?: Error) =>
  ({
    getCheckpoint: async (name: string) => {
      calls.count += 1;
      if (failWith) throw failWith;
      return positions[name] === undefined ? undefined : `${positions[name]}/${positions[name]}`;
    },
  }) as unknown as ReadModel;

describe('CaughtUpWaiter', () => {
  it('answers once every projection has passed the position', async () => {
    const positions: Record<string, number> = { listing: 5, verification: 3 };
    const waiter = new CaughtUpWaiter(checkpointsAt(positions), ['listing', 'verification']);
    const waiting = waiter.waitFor(sequencePosition(5n), 5_000);
    setTimeout(() => {
      positions.verification = 5;
      waiter.wake();
    }, 30);
    expect(await waiting).toBe(true);
  });

  it('answers false when the time is up', async () => {
    const waiter = new CaughtUpWaiter(checkpointsAt({ listing: 1 }), ['listing']);
    expect(await waiter.waitFor(sequencePosition(2n), 40)).toBe(false);
  });

  it('reads the checkpoints once per round however many commands wait', async () => {
    const calls = { count: 0 };
    const positions: Record<string, number> = { listing: 0 };
    const waiter = new CaughtUpWaiter(checkpointsAt(positions, calls), ['listing']);
    const waits = Array.from({ length: 100 }, (_, i) => waiter.waitFor(sequencePosition(BigInt(i % 3)), 5_000));
    setTimeout(() => {
      positions.listing = 3;
      waiter.wake();
    }, 50);
    expect(await Promise.all(waits)).toEqual(Array(100).fill(true));
    expect(calls.count).toBeLessThan(20);
  });

  it('passes a failure to read the checkpoints on to every waiting command', async () => {
    const waiter = new CaughtUpWaiter(checkpointsAt({}, undefined, new Error('read model down')), ['listing']);
    await expect(Promise.all([waiter.waitFor(sequencePosition(1n), 1_000), waiter.waitFor(sequencePosition(2n), 1_000)])).rejects.toThrow('read model down');
    // and the next command gets a fresh attempt rather than a stuck poller
    await expect(waiter.waitFor(sequencePosition(1n), 1_000)).rejects.toThrow('read model down');
  });

  it('never answers "not yet" before a read that began after the wait, however small the timeout', async () => {
    const slowRead = {
      getCheckpoint: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return '9/9';
      },
    } as unknown as ReadModel;
    const waiter = new CaughtUpWaiter(slowRead, ['listing', 'verification']);
    expect(await Promise.all([waiter.waitFor(sequencePosition(9n), 0), waiter.waitFor(sequencePosition(1n), 1)])).toEqual([true, true]);
    expect(await waiter.waitFor(sequencePosition(10n), 0)).toBe(false);
  });

  it('gives up on a checkpoint read that hangs, and starts afresh for the next command', async () => {
    let hang = true;
    const readModel = {
      getCheckpoint: () => (hang ? new Promise<string>(() => undefined) : Promise.resolve('9/9')),
    } as unknown as ReadModel;
    const waiter = new CaughtUpWaiter(readModel, ['listing'], 200);
    await expect(waiter.waitFor(sequencePosition(1n), 30)).rejects.toThrow(CheckpointReadTimeoutError);
    hang = false;
    expect(await waiter.waitFor(sequencePosition(1n), 1_000)).toBe(true);
  });

  it('is settled by this process\'s own commits, with no read of the checkpoints', async () => {
    const calls = { count: 0 };
    // The read model lags far behind (say, another instance is slow to read it): only the local commits can settle.
    const waiter = new CaughtUpWaiter(checkpointsAt({ listing: 0, verification: 0 }, calls), ['listing', 'verification']);
    const waiting = waiter.waitFor(sequencePosition(7n), 5_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    waiter.advanced('listing', sequencePosition(7n));
    await Promise.resolve();
    expect(settled).toBe(false);
    waiter.advanced('audit-relay', sequencePosition(9n)); // not a projection it waits on
    waiter.advanced('verification', sequencePosition(8n));
    expect(await waiting).toBe(true);
    const readsSoFar = calls.count;
    // A command whose event the local processors already committed answers at once, without a read.
    expect(await waiter.waitFor(sequencePosition(6n), 5_000)).toBe(true);
    expect(calls.count).toBe(readsSoFar);
    // A later position still waits, and still times out when nothing commits.
    expect(await waiter.waitFor(sequencePosition(9n), 30)).toBe(false);
  });

  it('while this process runs the processors, reads nothing for a wait their commit settles within the poll interval', async () => {
    const calls = { count: 0 };
    const waiter = new CaughtUpWaiter(checkpointsAt({ listing: 0 }, calls), ['listing']);
    waiter.setProcessingHere(true);
    const waits = [waiter.waitFor(sequencePosition(1n), 5_000), waiter.waitFor(sequencePosition(2n), 5_000)];
    setImmediate(() => waiter.advanced('listing', sequencePosition(2n)));
    expect(await Promise.all(waits)).toEqual([true, true]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls.count).toBe(0);
    // Another instance may have taken over: a wait the local commits do not settle is still read for, and answered.
    expect(await waiter.waitFor(sequencePosition(3n), 20)).toBe(false);
    expect(calls.count).toBeGreaterThan(0);
  });

  it('reads again at once when woken while a read is under way, rather than sleeping till the next poll', async () => {
    const positions: Record<string, number> = { listing: 0 };
    let reads = 0;
    let release: (() => void) | undefined;
    const readModel = {
      getCheckpoint: async (name: string) => {
        reads += 1;
        const seen = positions[name];
        if (reads === 2) await new Promise<void>((resolve) => (release = resolve));
        return `${seen}/${seen}`;
      },
    } as unknown as ReadModel;
    const waiter = new CaughtUpWaiter(readModel, ['listing']);
    const waiting = waiter.waitFor(sequencePosition(3n), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first read said "not yet"; the second starts within 10 ms
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    positions.listing = 3;
    waiter.wake(); // the commit lands while read 2 (which saw position 0) is still under way
    release();
    // Without the re-read the loop would sleep its 10 ms poll interval first, so this 5 ms timer,
    // scheduled before that sleep could start, would fire first: timers fire in order of expiry.
    const first = await Promise.race([waiting.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('timer'), 5))]);
    expect(first).toBe('answered');
    expect(reads).toBe(3);
  });

  it('tells the lowest checkpoint, or none while a projection has not written one', async () => {
    const positions: Record<string, number> = { listing: 7, verification: 4 };
    const waiter = new CaughtUpWaiter(checkpointsAt(positions), ['listing', 'verification']);
    expect(await waiter.lowestCheckpoint()).toEqual(sequencePosition(4n));
    delete positions.verification;
    expect(await waiter.lowestCheckpoint()).toBeUndefined();
  });

  describe('with stream filters (a view whose checkpoint does not move for foreign events)', () => {
    // The directory view stands still at 1, as a filtered EventStoreDB subscription leaves it until
    // the server's next checkpoint; the key views have passed the key event at 5.
    const projections = [
      { name: 'listing', filter: { streamNamePrefixes: ['apikey-'] } },
      { name: 'directory-users', filter: { streamNamePrefixes: ['directory-user-'] } },
    ];

    it('waits only for the views that read the stream appended to', async () => {
      const waiter = new CaughtUpWaiter(checkpointsAt({ listing: 5, 'directory-users': 1 }), projections);
      const started = Date.now();
      expect(await waiter.waitFor(sequencePosition(5n), 2_000, 'apikey-k1')).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_000);
      // a directory event still waits for the directory view, and without a stream name for all
      expect(await waiter.waitFor(sequencePosition(5n), 40, 'directory-user-t1-u1')).toBe(false);
      expect(await waiter.waitFor(sequencePosition(5n), 40)).toBe(false);
    });

    it('is settled by the commits of the views that read the stream alone', async () => {
      const waiter = new CaughtUpWaiter(checkpointsAt({}), projections);
      waiter.advanced('listing', sequencePosition(5n));
      expect(await waiter.waitFor(sequencePosition(5n), 40, 'apikey-k1')).toBe(true);
    });

    it('answers at once for a stream no view reads', async () => {
      const waiter = new CaughtUpWaiter(checkpointsAt({}), projections);
      expect(await waiter.waitFor(sequencePosition(5n), 40, 'tenant-t1')).toBe(true);
    });

    it('tells the lowest checkpoint of the views that may read the given streams', async () => {
      const waiter = new CaughtUpWaiter(checkpointsAt({ listing: 5, 'directory-users': 1 }), projections);
      expect(await waiter.lowestCheckpoint({ streamNamePrefixes: ['apikey-'] })).toEqual(sequencePosition(5n));
      expect(await waiter.lowestCheckpoint()).toEqual(sequencePosition(1n));
    });
  });
});
