import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ReadModel } from '../read-model.port.js';

export interface ReadModelUnderTest {
  readModel: ReadModel;
  /** Another instance over the same storage, as a second process would open it; the test closes it. */
  openSibling(): Promise<ReadModel>;
  teardown(): Promise<void>;
}

export type MakeReadModel = () => Promise<ReadModelUnderTest>;

/** Opens a subject once for the enclosing describe, or afresh for each test. */
export function useSubject(make: MakeReadModel, lifetime: 'suite' | 'test'): () => ReadModelUnderTest {
  let subject: ReadModelUnderTest | undefined;
  const open = async () => {
    subject = await make();
  };
  const close = async () => {
    await subject?.teardown();
    subject = undefined;
  };
  if (lifetime === 'suite') {
    beforeAll(open);
    afterAll(close);
  } else {
    beforeEach(open);
    afterEach(close);
  }
  return () => {
    if (subject === undefined) throw new Error('the read model under test did not open');
    return subject;
  };
}
