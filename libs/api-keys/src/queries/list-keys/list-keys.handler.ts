import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@keystream/clock';
import { InvalidRequestError, visibleOwners } from '../../domain/index.js';
import { KEY_LISTING_QUERIES, type KeyListingCursor, type KeyListingQueries } from '../../views/key-listing/key-listing.queries.js';
import { toApiKeyResource } from '../api-key.resource.js';
import { type ApiKeyList, ListKeysQuery } from './list-keys.query.js';

@QueryHandler(ListKeysQuery)
export class ListKeysHandler implements IQueryHandler<ListKeysQuery> {
  constructor(
    @Inject(KEY_LISTING_QUERIES) private readonly listing: KeyListingQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caller, filters }: ListKeysQuery): Promise<ApiKeyList> {
    // A plain user's view is their own keys, whatever they ask for.
    const owners = visibleOwners(caller, filters.userUid);
    if (!owners) return { items: [], listmeta: { continue: '', count: 0 } };
    const now = this.clock.now();
    const page = await this.listing.listKeys({
      tenantId: caller.tenantId,
      ownerId: owners.ownerId,
      isActive: filters.isActive,
      nameContains: filters.nameContains,
      unusedSince: filters.unusedForDays === undefined ? undefined : new Date(now.getTime() - filters.unusedForDays * 86_400_000).toISOString(),
      limit: filters.limit,
      after: filters.cursor === undefined ? undefined : decodeCursor(filters.cursor),
    });
    const items = page.rows.map((row) => toApiKeyResource(row, now));
    return { items, listmeta: { continue: page.next ? encodeCursor(page.next) : '', count: items.length } };
  }
}

export const encodeCursor = (cursor: KeyListingCursor): string =>
  Buffer.from(JSON.stringify([cursor.createdAt, cursor.keyId])).toString('base64url');

const decodeCursor = (text: string): KeyListingCursor => {
  try {
    const [createdAt, keyId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof keyId === 'string' && !Number.isNaN(Date.parse(createdAt))) {
      return { createdAt, keyId };
    }
  } catch {
    // fall through to the same answer as any other garbage
  }
  throw new InvalidRequestError([{ field: 'continue', message: 'must be a cursor returned by a previous page' }]);
};
