import { Injectable } from '@nestjs/common';

/**
 * Serialises key creation per owner inside this process, so two concurrent creates cannot both see
 * 19 keys and both make the 20th. (Across instances the limit can be overshot by the number of
 * instances racing; see README, "Known limits".)
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
