import { Injectable } from '@nestjs/common';

/**
 * Serialises key creation per owner inside this process; ReadModel.withLock does the same across
 * instances. Queuing here first means one process holds at most one database lock per owner.
 */
@Injectable()
export class OwnerLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(owner: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(owner) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(owner, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(owner) === tail) this.tails.delete(owner);
    }
  }
}
