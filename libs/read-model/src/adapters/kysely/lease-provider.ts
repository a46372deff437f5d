import type { ProcessingLease } from '../../read-model.port.js';

export interface LeaseProvider {
  tryAcquire(name: string): Promise<ProcessingLease | undefined>;
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * For an embedded SQLite file every process may run the processors: the checkpoint's
 * compare-and-set already lets exactly one commit each batch, and there is no server to hold a lock.
 * Locks are the caller's in-process serialisation alone: an embedded file has one service process.
 */
export const sharedFileLeases: LeaseProvider = {
  tryAcquire: async () => ({ lost: new Promise<void>(() => undefined), release: async () => undefined }),
  withLock: (_name, work) => work(),
  close: async () => undefined,
};
