import { Query } from '@nestjs/cqrs';
import type { UserCaller } from '../../domain/index.js';
import type { ApiKeyResource } from '../api-key.resource.js';

export interface ApiKeyList {
  items: ApiKeyResource[];
  listmeta: { continue: string; count: number };
}

export class ListKeysQuery extends Query<ApiKeyList> {
  constructor(
    readonly caller: UserCaller,
    readonly filters: { limit: number; cursor?: string; userUid?: string; isActive?: boolean; nameContains?: string; unusedForDays?: number },
  ) {
    super();
  }
}
