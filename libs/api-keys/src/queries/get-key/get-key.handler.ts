import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@keystream/clock';
import { KeyNotFoundError, canSee } from '../../domain/index.js';
import { KEY_LISTING_QUERIES, type KeyListingQueries } from '../../views/key-listing/key-listing.queries.js';
import { KeyVerificationCache } from '../../application/key-verification.cache.js';
import { toApiKeyResource } from '../api-key.resource.js';
import { GetKeyQuery } from './get-key.query.js';

@QueryHandler(GetKeyQuery)
export class GetKeyHandler implements IQueryHandler<GetKeyQuery> {
  constructor(
    @Inject(KEY_LISTING_QUERIES) private readonly listing: KeyListingQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    /** A warm key is read from memory (forgotten by any event about it, exact on this instance). */
    @Optional() private readonly cache?: KeyVerificationCache,
  ) {}

  async execute({ caller, keyId }: GetKeyQuery) {
    const { tenantId } = caller;
    const row = this.cache
      ? (this.cache.peekListed(tenantId, keyId) ?? (await this.cache.loadListed(keyId, () => this.listing.getKey(tenantId, keyId))))
      : await this.listing.getKey(tenantId, keyId);
    // A key the caller may not see is as absent as a key that does not exist. The status (expired or
    // not) is computed from the clock here, on every request, never kept.
    if (!row || !canSee(caller, row)) throw new KeyNotFoundError(keyId);
    return { resource: toApiKeyResource(row, this.clock.now()), revision: row.revision };
  }
}
