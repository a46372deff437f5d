import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemClock } from '@keystream/clock';
import { loadConfig } from '@keystream/config';
import { type EventToAppend, type GlobalPosition, InMemoryEventStore, formatPosition } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { type ReadModel, openSqliteReadModel } from '@keystream/read-model';
import { RandomIdGenerator } from '@keystream/secrets';
import { ApiKeyCommandRunner } from './api-key-command-runner.js';
import { ViewsBehindError } from './application.errors.js';

const PROJECTIONS = ['listing', 'verification'];
const anEvent = (): EventToAppend => ({ id: randomUUID(), type: 'KeyEdited', data: {}, metadata: {} });

describe('ApiKeyCommandRunner.requireCurrentViews', () => {
  let dir: string;
  let readModel: ReadModel;
  let eventStore: InMemoryEventStore;
  let runner: ApiKeyCommandRunner;

  const showViewsAt = async (position: GlobalPosition) => {
    for (const name of PROJECTIONS) {
      const current = await readModel.getCheckpoint(name);
      await readModel.transaction((tx) => tx.compareAndSetCheckpoint(name, current, formatPosition(position)));
    }
  };
  const append = async (stream: string) => (await eventStore.appendToStream(stream, [anEvent()], 'no_stream')).position;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-runner-'));
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'));
    eventStore = new InMemoryEventStore();
    const { CONSISTENCY_TIMEOUT_MS } = loadConfig({ CONSISTENCY_TIMEOUT_MS: '100' });
    runner = new ApiKeyCommandRunner(eventStore, new SystemClock(), new RandomIdGenerator(), CONSISTENCY_TIMEOUT_MS, new CaughtUpWaiter(readModel, PROJECTIONS));
  });
  afterEach(async () => {
    await readModel.close();
    await eventStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes at once on an empty store', async () => {
    await expect(runner.requireCurrentViews()).resolves.toBeUndefined();
  });

  it('passes when the views show every key event, whatever other streams wrote after it', async () => {
    const keyEvent = await append(`apikey-${randomUUID()}`);
    for (let i = 0; i < 3; i++) await append(`other-${randomUUID()}`);
    await showViewsAt(keyEvent);
    await expect(runner.requireCurrentViews()).resolves.toBeUndefined();
  });

  it('refuses while a key event is past the views, and passes once they show it', async () => {
    await showViewsAt(await append(`apikey-${randomUUID()}`));
    const unseen = await append(`apikey-${randomUUID()}`);
    await expect(runner.requireCurrentViews()).rejects.toBeInstanceOf(ViewsBehindError);
    await showViewsAt(unseen);
    await expect(runner.requireCurrentViews()).resolves.toBeUndefined();
  });

  it('refuses while a projection has never written a checkpoint and the store holds key events', async () => {
    await append(`apikey-${randomUUID()}`);
    await expect(runner.requireCurrentViews()).rejects.toBeInstanceOf(ViewsBehindError);
  });

  it('passes when the key views are current though a view of other streams stands behind', async () => {
    // As the SCIM directory view on EventStoreDB: its filtered subscription moves its checkpoint past
    // key events only on the server's checkpoints, so it must not hold a create back.
    const projections = [
      { name: 'listing', filter: { streamNamePrefixes: ['apikey-'] } },
      { name: 'verification', filter: { streamNamePrefixes: ['apikey-'] } },
      { name: 'directory-users', filter: { streamNamePrefixes: ['directory-user-'] } },
    ];
    const { CONSISTENCY_TIMEOUT_MS } = loadConfig({ CONSISTENCY_TIMEOUT_MS: '100' });
    runner = new ApiKeyCommandRunner(eventStore, new SystemClock(), new RandomIdGenerator(), CONSISTENCY_TIMEOUT_MS, new CaughtUpWaiter(readModel, projections));
    const directoryEvent = await append(`directory-user-${randomUUID()}`);
    await readModel.transaction((tx) => tx.compareAndSetCheckpoint('directory-users', undefined, formatPosition(directoryEvent)));
    await showViewsAt(await append(`apikey-${randomUUID()}`));
    await expect(runner.requireCurrentViews()).resolves.toBeUndefined();
  });
});
