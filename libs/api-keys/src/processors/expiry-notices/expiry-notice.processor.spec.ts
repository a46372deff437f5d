import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '@keystream/clock';
import { type EventStore, SqliteEventStore } from '@keystream/event-store';
import type { ReadModel } from '@keystream/read-model';
import { toEventToAppend } from '../../application/event-envelope.js';
import { type ApiKeyEvent, type KeyCreated, apiKeyStreamName } from '../../domain/index.js';
import { expiryNoticeQueries } from '../../views/expiry-notices/expiry-notices.queries.js';
import { expiryNoticeView } from '../../views/expiry-notices/expiry-notices.view.js';
import { DIALECTS, openViews, type OpenedViews } from '../../views/testing/view-subjects.js';
import { ExpiryNoticeProcessor, noticeEventId } from './expiry-notice.processor.js';

const DAY = 86_400_000;
const silent = { info() {}, warn() {} };
const system = { kind: 'system', tenantId: 't1' } as const;

/** One instance: its own event-store handle on the shared file, its own read model over the shared tables, its own clock. */
interface Instance {
  clock: FixedClock;
  processor: ExpiryNoticeProcessor;
}

describe.each(DIALECTS)('expiry-notice processor (%s read model)', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-notices-'));
  const file = join(dir, 'events.db');
  let views: OpenedViews;
  let sibling: ReadModel;
  const stores: EventStore[] = [];
  let a: Instance;
  let b: Instance;

  const instance = (readModel: ReadModel): Instance => {
    const store = new SqliteEventStore(file);
    stores.push(store);
    const clock = new FixedClock(new Date(0));
    return { clock, processor: new ExpiryNoticeProcessor(store, expiryNoticeQueries(readModel.live), clock, silent, { pageSize: 2 }) };
  };
  const store = () => stores[0]!;

  beforeAll(async () => {
    views = await openViews(dialect, [expiryNoticeView]);
    sibling = await views.openSibling([expiryNoticeView]);
    a = instance(views.readModel);
    b = instance(sibling);
  });
  afterAll(async () => {
    await sibling?.close();
    await views?.teardown();
    await Promise.all(stores.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The view, caught up with the whole log (a replayed event is skipped by its revision). */
  const project = async () => {
    const { events } = await store().readAll({ maxCount: 100_000, filter: expiryNoticeView.filter });
    await views.readModel.transaction((tx) => expiryNoticeView.applyBatch(tx, events));
  };
  const append = async (keyId: string, event: ApiKeyEvent, at: Date) => {
    const history = await store().readStream(apiKeyStreamName(keyId));
    await store().appendToStream(
      apiKeyStreamName(keyId),
      [toEventToAppend(event, { eventId: randomUUID(), caller: system, now: at, correlationId: 'test' })],
      history.length === 0 ? 'no_stream' : BigInt(history.length - 1),
    );
  };
  const createKey = async (expiresAt: Date) => {
    const keyId = randomUUID().replaceAll('-', '').slice(0, 24);
    const created: KeyCreated = {
      type: 'KeyCreated',
      data: {
        tenantId: 't1', keyId, ownerId: 'alice', ownerFirstName: '', ownerLastName: '', name: 'k', description: '',
        annotations: {}, labels: {}, scope: 'user', expiresAt: expiresAt.toISOString(), secretHash: 'scrypt$x', createdAt: new Date(expiresAt.getTime() - 60 * DAY).toISOString(),
      },
    };
    await append(keyId, created, new Date(expiresAt.getTime() - 60 * DAY));
    return keyId;
  };
  const notices = async (keyId: string) =>
    (await store().readStream(apiKeyStreamName(keyId)))
      .filter((event) => event.type === 'KeyExpiringSoon' || event.type === 'KeyExpired')
      .map((event) => (event.type === 'KeyExpired' ? 'expired' : `${String(event.data.daysBefore)}d`));
  /** Both instances run a pass at once, at `at` (their clocks a few ms apart, as real ones are). */
  const bothPass = async (at: Date) => {
    a.clock.set(at);
    b.clock.set(new Date(at.getTime() + 3));
    await Promise.all([a.processor.pass(), b.processor.pass()]);
  };

  it('records each notice exactly once per key and stage with two instances passing at once, even before the view shows it', async () => {
    const expiry = new Date('2027-03-01T00:00:00.000Z');
    const keys = await Promise.all(Array.from({ length: 5 }, () => createKey(expiry)));
    await project();
    for (const days of [40, 30, 29, 7, 1, 0]) {
      const at = new Date(expiry.getTime() - days * DAY);
      await bothPass(at);
      // A second pass before the view catches up (a stale row says the key is still due) adds nothing.
      await bothPass(at);
      await project();
      await bothPass(at);
    }
    for (const keyId of keys) expect(await notices(keyId)).toEqual(['30d', '7d', '1d', 'expired']);
    // Nothing is due any more: the view says so, and a pass a year on records nothing.
    await bothPass(new Date(expiry.getTime() + 365 * DAY));
    expect(await expiryNoticeQueries(views.readModel.live).dueForNotice(new Date(expiry.getTime() + 365 * DAY), 10)).toEqual([]);
  });

  it('records the notices again for a moved expiry, and none for revoked or deleted keys', async () => {
    const expiry = new Date('2027-06-01T00:00:00.000Z');
    const [moved, revoked, deleted] = await Promise.all([createKey(expiry), createKey(expiry), createKey(expiry)]);
    await project();
    await bothPass(new Date(expiry.getTime() - 7 * DAY));
    expect(await notices(moved!)).toEqual(['7d']);
    const later = new Date(expiry.getTime() + 90 * DAY);
    await append(moved!, { type: 'KeyEdited', data: { tenantId: 't1', keyId: moved!, ownerId: 'alice', changes: { expiresAt: { before: expiry.toISOString(), after: later.toISOString() } }, editedAt: new Date(expiry.getTime() - 6 * DAY).toISOString() } }, new Date(expiry.getTime() - 6 * DAY));
    await append(revoked!, { type: 'KeyRevoked', data: { tenantId: 't1', keyId: revoked!, ownerId: 'alice', revokedAt: new Date(expiry.getTime() - 6 * DAY).toISOString() } }, new Date(expiry.getTime() - 6 * DAY));
    await append(deleted!, { type: 'KeyDeleted', data: { tenantId: 't1', keyId: deleted!, ownerId: 'alice', deletedAt: new Date(expiry.getTime() - 6 * DAY).toISOString() } }, new Date(expiry.getTime() - 6 * DAY));
    await project();
    for (const at of [expiry, new Date(later.getTime() - 30 * DAY), later]) {
      await bothPass(at);
      await project();
    }
    expect(await notices(moved!)).toEqual(['7d', '30d', 'expired']);
    expect(await notices(revoked!)).toEqual(['7d']);
    expect(await notices(deleted!)).toEqual(['7d']);
  });

  it('stops a pass at the next key once its signal aborts (the lease is lost)', async () => {
    const expiry = new Date('2027-09-01T00:00:00.000Z');
    const keys = await Promise.all(Array.from({ length: 3 }, () => createKey(expiry)));
    await project();
    const lost = new AbortController();
    // The store aborts the signal right after the first notice is written, as a lease lost mid-pass.
    const base = store();
    const aborting = Object.create(base) as EventStore;
    aborting.appendToStream = async (...args) => {
      const result = await base.appendToStream(...args);
      lost.abort(new Error('lease lost'));
      return result;
    };
    const clock = new FixedClock(new Date(expiry.getTime() - 7 * DAY));
    const processor = new ExpiryNoticeProcessor(aborting, expiryNoticeQueries(views.readModel.live), clock, silent, { pageSize: 2 });
    await expect(processor.pass(lost.signal)).rejects.toThrow('lease lost');
    const recorded = await Promise.all(keys.map(notices));
    expect(recorded.flat()).toEqual(['7d']);
  });

  it('names a notice by key and revision, so a resend is the same append', () => {
    expect(noticeEventId('k1', 3n, 0)).toBe(noticeEventId('k1', 3n, 0));
    expect(noticeEventId('k1', 3n, 0)).not.toBe(noticeEventId('k1', 4n, 0));
    expect(noticeEventId('k1', 3n, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
