import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import type { ApiKeyEvent } from '../domain/index.js';
import { API_KEY_VIEWS } from './index.js';
import { evolveListing } from './key-listing/key-listing.evolve.js';
import { keyListingQueries } from './key-listing/key-listing.queries.js';
import { keyListingView } from './key-listing/key-listing.view.js';
import { evolveVerification } from './key-verification/key-verification.evolve.js';
import { keyVerificationLookup } from './key-verification/key-verification.queries.js';
import { keyVerificationView } from './key-verification/key-verification.view.js';
import { keyListingRows } from './key-listing/key-listing.queries.js';
import { keyVerificationRows } from './key-verification/key-verification.queries.js';
import { rebuildFold } from './view.js';
import { DIALECTS, type OpenedViews, openViews } from './testing/view-subjects.js';

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
const history: ApiKeyEvent[] = [
  {
    type: 'KeyCreated',
    data: {
      ...ids,
      ownerFirstName: 'Alice',
      ownerLastName: 'L',
      name: 'ci',
      description: '',
      annotations: {},
      labels: {},
      scope: 'user',
      expiresAt: '2027-01-01T00:00:00.000Z',
      secretHash: 'scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA',
      createdAt: '2026-11-01T00:00:00.000Z',
    },
  },
  {
    type: 'KeyEdited',
    data: { ...ids, changes: { name: { before: 'ci', after: 'deploy' } }, editedAt: '2026-11-02T00:00:00.000Z' },
  },
  { type: 'KeyRevoked', data: { ...ids, revokedAt: '2026-11-03T00:00:00.000Z' } },
];
const recorded = (events: ApiKeyEvent[], streamName = 'apikey-k1'): RecordedEvent[] =>
  events.map((event, revision) => ({
    id: `e${revision}`,
    type: event.type,
    data: event.data as unknown as RecordedEvent['data'],
    metadata: {},
    streamName,
    revision: BigInt(revision),
    position: { commit: BigInt(revision + 1), prepare: BigInt(revision + 1) },
    recordedAt: new Date(),
  }));

describe('key listing evolve', () => {
  it('folds a key’s life into one row that never holds the hash', () => {
    const row = history.reduce<ReturnType<typeof evolveListing>>((row, event, revision) => evolveListing(row, event, revision), undefined);
    expect(row).toMatchObject({ name: 'deploy', isActive: false, deleted: false, revision: 2, lastModifiedAt: '2026-11-03T00:00:00.000Z' });
    expect(JSON.stringify(row)).not.toContain('scrypt');
  });

  it('ignores events for a key it never saw created', () => {
    expect(evolveListing(undefined, history[2]!, 2)).toBeUndefined();
  });

  it('keeps deleted keys as tombstones and drops the hash from verification', () => {
    const deleted: ApiKeyEvent = { type: 'KeyDeleted', data: { ...ids, deletedAt: '2026-11-04T00:00:00.000Z' } };
    const verification = [...history, deleted].reduce<ReturnType<typeof evolveVerification>>((row, event, revision) => evolveVerification(row, event, revision), undefined);
    expect(verification).toMatchObject({ deleted: true, isActive: false, secretHash: '' });
  });
});

describe.each(DIALECTS)('views applied in batches (%s)', (dialect) => {
  let opened: OpenedViews;
  let readModel: ReadModel;
  beforeAll(async () => {
    opened = await openViews(dialect);
    readModel = opened.readModel;
  });
  afterAll(() => opened.teardown());
  const listing = () => keyListingQueries(readModel.live);
  const verification = () => keyVerificationLookup(readModel.live);
  const applyBoth = (events: readonly RecordedEvent[]) =>
    readModel.transaction(async (tx) => {
      await keyListingView.applyBatch(tx, events);
      await keyVerificationView.applyBatch(tx, events);
    });
  const read = async (keyId: string) => [await listing().getKey('t1', keyId), await verification().findVerification(keyId)];

  it('folds a batch that mixes keys and event types into the rows one event at a time would give', async () => {
    const other = history.map((event) => ({ ...event, data: { ...event.data, keyId: 'k2' } })) as ApiKeyEvent[];
    const mixed = [recorded(history), recorded(other, 'apikey-k2')].flatMap((events) => events.map((event, i) => ({ event, i })));
    mixed.sort((a, b) => a.i - b.i);
    await applyBoth(mixed.map(({ event }) => event));

    const separate = await openViews(dialect);
    const single = separate.readModel;
    try {
      for (const { event } of mixed) {
        await single.transaction(async (tx) => {
          await keyListingView.applyBatch(tx, [event]);
          await keyVerificationView.applyBatch(tx, [event]);
        });
      }
      for (const keyId of ['k1', 'k2']) {
        expect(await read(keyId)).toEqual([
          await keyListingQueries(single.live).getKey('t1', keyId),
          await keyVerificationLookup(single.live).findVerification(keyId),
        ]);
      }
      expect(await listing().getKey('t1', 'k2')).toMatchObject({ name: 'deploy', isActive: false, revision: 2 });
    } finally {
      await separate.teardown();
    }
  });

  it('changes nothing the second time: rows keep the revision they applied', async () => {
    await applyBoth(recorded(history));
    const once = await read('k1');
    await applyBoth(recorded(history));
    // An older event replayed alone must not roll the row back either.
    await applyBoth([recorded(history)[0]!]);
    // Nor the first two again, folded from nothing without reading the stored row.
    await applyBoth(recorded(history).slice(0, 2));
    expect(await read('k1')).toEqual(once);
    expect(once[0]).toMatchObject({ name: 'deploy', isActive: false });
  });

  it('a rebuild session holding fewer rows than there are keys writes, by eviction and flush, the rows the batch fold gives', async () => {
    const forKey = (keyId: string) =>
      recorded(history.map((event) => ({ ...event, data: { ...event.data, keyId } })) as ApiKeyEvent[], `apikey-${keyId}`);
    // Interleaved one event per batch, so each key's row is written out and read back between its events.
    const events = [0, 1, 2].flatMap((i) => [forKey('r1')[i]!, forKey('r2')[i]!]);
    const sessions = [rebuildFold(keyListingRows, evolveListing, 1)(), rebuildFold(keyVerificationRows, evolveVerification, 1)()];
    for (const event of events) {
      await readModel.transaction(async (tx) => {
        for (const session of sessions) await session.applyBatch(tx, [event]);
      });
    }
    await readModel.transaction(async (tx) => {
      for (const session of sessions) await session.flush(tx);
    });

    const separate = await openViews(dialect);
    try {
      await separate.readModel.transaction(async (tx) => {
        await keyListingView.applyBatch(tx, events);
        await keyVerificationView.applyBatch(tx, events);
      });
      for (const keyId of ['r1', 'r2']) {
        expect(await read(keyId)).toEqual([
          await keyListingQueries(separate.readModel.live).getKey('t1', keyId),
          await keyVerificationLookup(separate.readModel.live).findVerification(keyId),
        ]);
      }
      expect(await listing().getKey('t1', 'r1')).toMatchObject({ name: 'deploy', isActive: false, revision: 2 });
    } finally {
      await separate.teardown();
    }
  });

  it('skips event types it does not know and streams that are not keys', async () => {
    const created = recorded(history)[0]!;
    await applyBoth([
      { ...created, type: 'KeyRenamedInTheFuture', streamName: 'apikey-k9' },
      { ...created, streamName: 'tenant-k8' },
    ]);
    expect(await listing().getKey('t1', 'k9')).toBeUndefined();
    expect(await verification().findVerification('k8')).toBeUndefined();
  });
});
