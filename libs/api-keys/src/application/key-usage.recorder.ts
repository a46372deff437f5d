import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { describeError } from '@keystream/store-errors';
import { KEY_USAGE_STORE, type KeyUsage, type KeyUsageStore, mergeAddresses } from '../views/key-usage/key-usage.store.js';
import { KEY_USAGE_ADDRESSES } from '../views/key-usage/key-usage.table.js';

/** A key is written at most once per this long by one instance (issue 13: one write per key per minute). */
export const KEY_USAGE_WRITE_INTERVAL_MS = 60_000;
/** How often the flusher looks for keys due a write. */
export const KEY_USAGE_FLUSH_MS = 2_000;
/** Keys whose last write time is remembered; past it, a forgotten key may be written early, never lost. */
const MAX_TRACKED_KEYS = 100_000;

interface PendingUse {
  keyId: string;
  tenantId: string;
  at: Date;
  lastUsedFrom: string[];
}

/**
 * Last-used, recorded off the request path: a verified request only updates a map in memory
 * (O(1), no I/O, no await); a timer writes the keys that are due, in one batch, each at most once
 * per KEY_USAGE_WRITE_INTERVAL_MS. A key used again before then is written at its next due time
 * with its newest use, so nothing is lost but the in-between instants. A failed write keeps the
 * uses for the next round. Never an event: usage is not a fact of the key's life.
 */
@Injectable()
export class KeyUsageRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(KeyUsageRecorder.name);
  /** Uses not yet written, with the time as given (formatted only when written, not per request). */
  private pending = new Map<string, PendingUse>();
  private readonly lastWrite = new LRUCache<string, number>({ max: MAX_TRACKED_KEYS });
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(@Inject(KEY_USAGE_STORE) private readonly store: KeyUsageStore) {}

  /** One verified use of a key; `source` is the client's address when known. */
  record(keyId: string, tenantId: string, source: string | undefined, now: Date): void {
    const seen = this.pending.get(keyId);
    if (seen) {
      seen.at = now;
      if (source && seen.lastUsedFrom[0] !== source) moveToFront(seen.lastUsedFrom, source);
    } else {
      this.pending.set(keyId, { keyId, tenantId, at: now, lastUsedFrom: source ? [source] : [] });
    }
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.flush(), KEY_USAGE_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes the keys due a write (all of them with `all`, as at shutdown); one flush at a time. */
  flush(options: { all?: boolean; now?: number } = {}): Promise<void> {
    this.flushing ??= this.write(options.all ?? false, options.now ?? Date.now()).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush({ all: true });
  }

  private async write(all: boolean, now: number): Promise<void> {
    const due: PendingUse[] = [];
    for (const [keyId, usage] of this.pending) {
      const last = this.lastWrite.get(keyId);
      if (all || last === undefined || now - last >= KEY_USAGE_WRITE_INTERVAL_MS) due.push(usage);
    }
    if (due.length === 0) return;
    for (const usage of due) this.pending.delete(usage.keyId);
    try {
      await this.store.save(due.map(({ keyId, tenantId, at, lastUsedFrom }): KeyUsage => ({ keyId, tenantId, lastUsedAt: at.toISOString(), lastUsedFrom })));
      for (const usage of due) this.lastWrite.set(usage.keyId, now);
    } catch (error) {
      this.logger.warn(`Could not record the last use of ${due.length} keys; retrying: ${describeError(error)}`);
      // Put them back, under any use recorded meanwhile (which is newer).
      for (const usage of due) {
        const newer = this.pending.get(usage.keyId);
        this.pending.set(usage.keyId, newer ? { ...newer, lastUsedFrom: mergeAddresses(newer.lastUsedFrom, usage.lastUsedFrom) } : usage);
      }
    }
  }
}

/**
 * `source` first in a pending use's addresses (newest first, at most KEY_USAGE_ADDRESSES, no
 * repeats), in place: a key used from changing addresses costs no allocation per request. The array
 * is the pending entry's own (a new entry gets a new one; a flushed entry is no longer touched).
 */
function moveToFront(addresses: string[], source: string): void {
  let at = addresses.indexOf(source);
  if (at < 0) at = addresses.length < KEY_USAGE_ADDRESSES ? addresses.push(source) - 1 : KEY_USAGE_ADDRESSES - 1;
  for (; at > 0; at--) addresses[at] = addresses[at - 1]!;
  addresses[0] = source;
}
