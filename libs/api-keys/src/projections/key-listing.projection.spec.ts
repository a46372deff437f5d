import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@keystream/event-store';
import { type ReadModel, openSqliteReadModel } from '@keystream/read-model';
import type { ApiKeyEvent } from '../domain/index.js';
import { evolveListing, keyListingProjection } from './key-listing.projection.js';
import { evolveVerification, keyVerificationProjection } from './key-verification.projection.js';

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
const recorded = (events: ApiKeyEvent[]): RecordedEvent[] =>
  events.map((event, revision) => ({
    id: `e${revision}`,
    type: event.type,
    data: event.data as unknown as RecordedEvent['data'],
    metadata: {},
    streamName: 'apikey-k1',
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

describe('projections applied twice', () => {
  let dir: string;
  let readModel: ReadModel;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-projection-'));
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'));
  });
  afterAll(async () => {
    await readModel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('changes nothing the second time: rows keep the revision they applied', async () => {
    const apply = () =>
      readModel.transaction(async (tx) => {
        for (const event of recorded(history)) {
          await keyListingProjection.apply(tx, event);
          await keyVerificationProjection.apply(tx, event);
        }
      });
    await apply();
    const once = [await readModel.getKey('t1', 'k1'), await readModel.findVerification('k1')];
    await apply();
    // An older event replayed alone must not roll the row back either.
    await readModel.transaction((tx) => keyListingProjection.apply(tx, recorded(history)[0]!));
    expect([await readModel.getKey('t1', 'k1'), await readModel.findVerification('k1')]).toEqual(once);
    expect(once[0]).toMatchObject({ name: 'deploy', isActive: false });
  });

  it('skips event types it does not know and streams that are not keys', async () => {
    await readModel.transaction(async (tx) => {
      await keyListingProjection.apply(tx, { ...recorded(history)[0]!, type: 'KeyRenamedInTheFuture', streamName: 'apikey-k9' });
    });
    expect(await readModel.getKey('t1', 'k9')).toBeUndefined();
  });
});
