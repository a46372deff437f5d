import { describe } from 'vitest';
import { describeCheckpointContract } from './checkpoint.contract.js';
import { describeListingContract } from './listing.contract.js';
import { describePaginationContract } from './pagination.contract.js';
import type { MakeReadModel } from './read-model.subject.js';
import { describeShadowContract } from './shadow.contract.js';

export type { MakeReadModel, ReadModelUnderTest } from './read-model.subject.js';

/**
 * What every ReadModel adapter must do, run against each of them. Most tests share one subject and
 * keep apart by using a tenant and checkpoint names of their own; the shadow tests replace every
 * live row, so each of them gets a fresh subject.
 */
export function describeReadModelContract(name: string, make: MakeReadModel): void {
  describe(`ReadModel contract: ${name}`, () => {
    describeListingContract(make);
    describePaginationContract(make);
    describeCheckpointContract(make);
    describeShadowContract(make);
  });
}
