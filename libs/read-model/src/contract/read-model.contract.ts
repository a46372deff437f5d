import { describe } from 'vitest';
import { describeCheckpointContract } from './checkpoint.contract.js';
import type { MakeReadModel } from './read-model.subject.js';
import { describeShadowContract } from './shadow.contract.js';

export type { MakeReadModel, ReadModelUnderTest } from './read-model.subject.js';
export { NOTES_VIEW } from './notes.view.js';

/**
 * What every ReadModel adapter must do for any view, run against each of them over a contract-only
 * view (NOTES_VIEW, which `make` must register). Each view's own queries have their contract beside
 * the view. Most tests share one subject and keep apart by tenant and checkpoint names of their own;
 * the shadow tests replace every live row, so each of them gets a fresh subject.
 */
export function describeReadModelContract(name: string, make: MakeReadModel): void {
  describe(`ReadModel contract: ${name}`, () => {
    describeCheckpointContract(make);
    describeShadowContract(make);
  });
}
