import { Query } from '@nestjs/cqrs';
import type { UserCaller } from '../../domain/index.js';
import type { ApiKeyResource } from '../api-key.resource.js';

export class GetKeyQuery extends Query<{ resource: ApiKeyResource; revision: number }> {
  constructor(
    readonly caller: UserCaller,
    readonly keyId: string,
  ) {
    super();
  }
}
