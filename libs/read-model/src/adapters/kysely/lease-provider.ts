import type { ProcessingLease } from '../../read-model.port.js';

export interface LeaseProvider {
  tryAcquire(name: string): Promise<ProcessingLease | undefined>;
  close(): Promise<void>;
}

/**
 * For an embedded SQLite file every process may run the processors: the checkpoint's
 * compare-and-set already lets exactly one commit each batch, and there is no server to hold a lock.
 */
export const sharedFileLeases: LeaseProvider = {
  tryAcquire: async () => ({ lost: new Promise<void>(() => undefined), release: async () => undefined }),
  close: async () => undefined,
};
