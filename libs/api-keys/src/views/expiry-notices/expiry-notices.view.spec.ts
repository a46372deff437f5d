import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@keystream/event-store';
import type { ApiKeyEvent } from '../../domain/index.js';
import { DIALECTS, type OpenedViews, openViews } from '../testing/view-subjects.js';
import { expiryNoticeRows } from './expiry-notices.queries.js';
import { expiryNoticeView } from './expiry-notices.view.js';

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
const history: ApiKeyEvent[] = [
  {
    type: 'KeyCreated',
    data: {
      ...ids, ownerFirstName: 'Alice', ownerLastName: 'L', name: 'ci', description: '', annotations: {}, labels: {}, scope: 'user',
      expiresAt: '2027-01-01T00:00:00.000Z', secretHash: 'scrypt$x', createdAt: '2026-11-01T00:00:00.000Z',
    },
  },
  { type: 'KeyRevoked', data: { ...ids, revokedAt: '2026-11-03T00:00:00.000Z' } },
];
const recorded = history.map((event, revision): RecordedEvent => ({
  id: `e${revision}`, type: event.type, data: event.data as unknown as RecordedEvent['data'], metadata: {},
  streamName: 'apikey-k1', revision: BigInt(revision), position: { commit: BigInt(revision + 1), prepare: BigInt(revision + 1) }, recordedAt: new Date(),
}));

describe.each(DIALECTS)('expiry-notice view (%s)', (dialect) => {
  let opened: OpenedViews;
  beforeAll(async () => {
    opened = await openViews(dialect, [expiryNoticeView]);
  });
  afterAll(() => opened.teardown());
  const apply = (events: readonly RecordedEvent[]) => opened.readModel.transaction((tx) => expiryNoticeView.applyBatch(tx, events));
  const row = () => opened.readModel.transaction(async (tx) => (await expiryNoticeRows.load(tx.views, ['k1'])).get('k1'));

  it('never rolls a row back when an older batch is replayed (folded from nothing, without the stored row)', async () => {
    await apply(recorded);
    const current = await row();
    expect(current).toMatchObject({ active: false, revision: 1 });
    await apply([recorded[0]!]);
    expect(await row()).toEqual(current);
  });
});
