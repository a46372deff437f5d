import { Query } from '@nestjs/cqrs';
import type { Caller } from '../../domain/index.js';
import type { ApiKeyResource } from '../api-key.resource.js';

export interface ApiKeyList {
  items: ApiKeyResource[];
  listmeta: { continue: string; count: number };
}

export class ListKeysQuery extends Query<ApiKeyList> {
  constructor(
    /** A user through the HTTP API, or the system (the operator CLI's `keys list`). */
    readonly caller: Caller,
    readonly filters: { limit: number; cursor?: string; userUid?: string; isActive?: boolean; nameContains?: string; unusedForDays?: number },
  ) {
    super();
  }
}
