import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GlobalPosition, SqliteEventStore } from '@keystream/event-store';
import { ProcessingRuntime, outdatedProjections } from '@keystream/processing';
import type { ReadModel } from '@keystream/read-model';
import type { ApiKeyEvent } from '../domain/index.js';
import { API_KEY_VIEWS } from './index.js';
import { evolveListing } from './key-listing/key-listing.evolve.js';
import { keyListingQueries, keyListingRows } from './key-listing/key-listing.queries.js';
import type { KeyListingRow } from './key-listing/key-listing.row.js';
import { keyListingView } from './key-listing/key-listing.view.js';
import { keyVerificationLookup } from './key-verification/key-verification.queries.js';
import { keyVerificationView } from './key-verification/key-verification.view.js';
import { DIALECTS, type OpenedViews, openViews } from './testing/view-subjects.js';
import { type ReadView, keyedFold } from './view.js';

const KEYS = 40;
const silent = { info() {}, warn() {}, error() {} };

/** The listing as a v2 whose evolve writes the description differently. */
const listingV2: ReadView = {
  ...keyListingView,
  version: 2,
  ...keyedFold(keyListingRows, (row, event, revision) => {
    const next = evolveListing(row, event, revision);
    return next && { ...next, description: `v2:${next.name}` };
  }),
};

const created = (keyId: string, n: number): ApiKeyEvent => ({
  type: 'KeyCreated',
  data: {
    tenantId: 't1', keyId, ownerId: 'alice', ownerFirstName: 'Alice', ownerLastName: 'L', name: `key-${n}`, description: 'v1',
    annotations: {}, labels: {}, scope: 'user', expiresAt: '2099-01-01T00:00:00.000Z', secretHash: 'scrypt$x', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  },
});

describe.each(DIALECTS)('a projection whose version changed (%s)', (dialect) => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let views: OpenedViews;
  const runtimes: ProcessingRuntime[] = [];
  const readModel = () => views.readModel;
  const listing = () => keyListingQueries(readModel().live);
  const allRows = async () => (await listing().listKeys({ tenantId: 't1', limit: 500 })).rows;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-versioned-'));
    eventStore = new SqliteEventStore(join(dir, 'events.db'));
    views = await openViews(dialect);
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((runtime) => runtime.stop()));
    await eventStore.close();
    await views.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = async (keyId: string, event: ApiKeyEvent, expected: 'no_stream' | bigint): Promise<GlobalPosition> => {
    const { data } = event;
    const result = await eventStore.appendToStream(`apikey-${keyId}`, [{ id: randomUUID(), type: event.type, data: data as never, metadata: {} }], expected);
    return result.position;
  };
  const run = (store: ReadModel, registry: readonly ReadView[]) => {
    const runtime = new ProcessingRuntime(eventStore, store, registry, silent, { enabled: true });
    runtimes.push(runtime);
    return runtime;
  };

  it('is rebuilt from the first event beside the live view and swapped in, while reads and revocations keep working', async () => {
    const keyIds = Array.from({ length: KEYS }, () => randomUUID());
    let head!: GlobalPosition;
    for (const [n, keyId] of keyIds.entries()) head = await append(keyId, created(keyId, n), 'no_stream');
    const v1 = run(readModel(), API_KEY_VIEWS);
    v1.start();
    expect(await v1.waiter.waitFor(head, 10_000)).toBe(true);
    await v1.stop();
    expect((await allRows()).map((row) => row.description)).toEqual(Array(KEYS).fill('v1'));

    // Between the shadow's catch-up and its swap: the old version still serves, and a revocation
    // made now is applied by the live processor at once (and survives the swap).
    const seenBeforeSwap: KeyListingRow[][] = [];
    const revoked = keyIds[0]!;
    const beforeSwap = async () => {
      seenBeforeSwap.push(await allRows());
      const at = await append(revoked, { type: 'KeyRevoked', data: { tenantId: 't1', keyId: revoked, ownerId: 'alice', revokedAt: '2026-02-01T00:00:00.000Z' } }, 0n);
      expect(await v2.waiter.waitFor(at, 10_000)).toBe(true);
      expect(await keyVerificationLookup(readModel().live).findVerification(revoked)).toMatchObject({ isActive: false });
      seenBeforeSwap.push(await allRows());
    };
    let pending: (() => Promise<void>) | undefined = beforeSwap;
    const gated = new Proxy(readModel(), {
      get(target, property, receiver) {
        if (property === 'swapInShadow') {
          return async (...args: Parameters<ReadModel['swapInShadow']>) => {
            const work = pending;
            pending = undefined;
            await work?.();
            return target.swapInShadow(...args);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const v2 = run(gated, [listingV2, keyVerificationView]);
    const rebuilt = new Promise<readonly string[]>((resolve) => v2.onViewsRebuilt(resolve));
    v2.start();
    expect(await rebuilt).toEqual(['key-listing']);

    expect(seenBeforeSwap.map((rows) => rows.length)).toEqual([KEYS, KEYS]);
    expect(seenBeforeSwap[0]!.every((row) => row.description === 'v1')).toBe(true);
    const after = await allRows();
    expect(after).toHaveLength(KEYS);
    for (const row of after) expect(row.description).toBe(`v2:${row.name}`);
    expect(after.find((row) => row.keyId === revoked)).toMatchObject({ isActive: false, revision: 1 });
    expect((await readModel().appliedVersions()).get('key-listing')).toBe(2);
    expect((await readModel().appliedVersions()).get('key-verification')).toBe(1);

    // A restart knows the view is current: nothing is outdated any more.
    await v2.stop();
    expect(await outdatedProjections(readModel(), [listingV2, keyVerificationView])).toEqual([]);
  });
});
