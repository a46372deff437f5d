import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@keystream/clock';
import { KeyNotFoundError, canSee } from '../../domain/index.js';
import { KEY_LISTING_QUERIES, type KeyListingQueries } from '../../views/key-listing/key-listing.queries.js';
import { toApiKeyResource } from '../api-key.resource.js';
import { GetKeyQuery } from './get-key.query.js';

@QueryHandler(GetKeyQuery)
export class GetKeyHandler implements IQueryHandler<GetKeyQuery> {
  constructor(
    @Inject(KEY_LISTING_QUERIES) private readonly listing: KeyListingQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caller, keyId }: GetKeyQuery) {
    const row = await this.listing.getKey(caller.tenantId, keyId);
    // A key the caller may not see is as absent as a key that does not exist.
    if (!row || !canSee(caller, row)) throw new KeyNotFoundError(keyId);
    return { resource: toApiKeyResource(row, this.clock.now()), revision: row.revision };
  }
}
