import { randomUUID } from 'node:crypto';
import type { ReadModel } from '@keystream/read-model';
import { type KeyListingQuery, type KeyListingQueries, keyListingRows } from './key-listing.queries.js';
import type { KeyListingRow } from './key-listing.row.js';

/** A tenant of its own per test, so tests share a database without seeing each other's rows. */
export const newTenant = (): string => `t-${randomUUID()}`;

/** The i-th second after a fixed instant, in the RFC 3339 form every timestamp has. */
export const at = (second: number): string => new Date(Date.UTC(2030, 0, 1) + second * 1000).toISOString();

export const listingRow = (overrides: Partial<KeyListingRow> = {}): KeyListingRow => ({
  tenantId: 't1',
  keyId: randomUUID(),
  ownerId: 'u-ada',
  ownerFirstName: 'Ada',
  ownerLastName: 'Lovelace',
  name: 'deploy key',
  description: 'pushes builds',
  annotations: {},
  labels: {},
  scope: 'user',
  expiresAt: at(86_400),
  isActive: true,
  deleted: false,
  createdAt: at(0),
  lastModifiedAt: at(0),
  revision: 0,
  ...overrides,
});

export async function putListingRows(readModel: ReadModel, rows: readonly KeyListingRow[]): Promise<void> {
  await readModel.transaction((tx) => keyListingRows.save(tx.views, rows));
}

/** Every page of a query, following `next` until it is absent. */
export async function allPages(listing: KeyListingQueries, query: KeyListingQuery): Promise<KeyListingRow[][]> {
  const pages: KeyListingRow[][] = [];
  let after = query.after;
  for (;;) {
    const page = await listing.listKeys({ ...query, after });
    pages.push(page.rows);
    if (page.next === undefined) return pages;
    if (pages.length > 100) throw new Error('pagination does not end');
    after = page.next;
  }
}

/** Newest first by (createdAt, keyId), in code, as the reference for the database's order. */
export const newestFirst = (rows: readonly KeyListingRow[]): KeyListingRow[] =>
  [...rows].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.keyId < b.keyId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );
