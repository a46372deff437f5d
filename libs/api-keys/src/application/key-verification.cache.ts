import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { EVENT_STORE, type EventStore, type GlobalPosition, approximateBytes, comparePositions } from '@keystream/event-store';
import { CaughtUpWaiter } from '@keystream/processing';
import { describeError } from '@keystream/store-errors';
import { API_KEY_STREAM_PREFIX } from '../domain/index.js';
import { KEY_VERIFICATION_LOOKUP, type KeyVerificationLookup } from '../views/key-verification/key-verification.queries.js';
import type { KeyVerificationRow } from '../views/key-verification/key-verification.row.js';
import type { ListedKey } from '../views/key-listing/key-listing.queries.js';

/** Rows kept: at ~410 bytes a row (README, "Verification from memory"), about 40 MiB. */
const MAX_ROWS = 100_000;
/** How often other instances' changes are looked for: well inside the 1 s the README promises. */
export const INVALIDATION_POLL_MS = 150;
const PAGE = 500;
/**
 * How long a listed key is kept: its last use (key-usage table) changes without an event, written by
 * any instance at most once a minute per key, so it may show that much later than the view has it.
 */
export const LISTED_KEY_TTL_MS = 2_000;
/**
 * Listed keys are bounded by size, not only count: metadata (64 entries of up to 1,024 characters,
 * README "Input rules and limits") makes one anywhere from ~1 KB to ~170 KB.
 */
export const MAX_LISTED_BYTES = 32 * 1024 * 1024;
/** More key events than this since the last look: forgetting everything is cheaper than reading them. */
const MAX_EVENTS_PER_LOOK = 5_000;

/**
 * The verification rows of recently used keys, in memory, so a warm request costs no query. A miss
 * reads the view (one primary-key lookup) and keeps the row. Rows are forgotten, never patched:
 * - on this instance, by the command runner once the views show its command, before it answers;
 * - for every instance, by a loop that, every INVALIDATION_POLL_MS, reads how far the views have got
 *   and forgets the keys of the key events up to there (read from the log, filtered by stream).
 * A row is only kept when no key was forgotten while it was being read (else it may predate the
 * change), and nothing is kept while the loop is not running or has failed, so a row is never older
 * than the loop's last look. The row holds no verdict: the verifier checks the clock, the state and
 * the secret on every request.
 *
 * Beside each verification row, by the same rules (forgotten with it, kept only under the same
 * generation), the key as GET /v1/apiKeys/{uid} reads it from the listing view: a warm GET costs no
 * query either. Its status is computed from the clock by the handler on every request, and it is
 * kept at most LISTED_KEY_TTL_MS, for its last-used columns.
 */
@Injectable()
export class KeyVerificationCache implements OnModuleDestroy {
  private readonly logger = new Logger(KeyVerificationCache.name);
  private readonly rows = new LRUCache<string, KeyVerificationRow>({ max: MAX_ROWS });
  private readonly listed = new LRUCache<string, { key: ListedKey; readAt: number }>({
    max: MAX_ROWS,
    maxSize: MAX_LISTED_BYTES,
    sizeCalculation: ({ key }) => approximateBytes(key),
  });
  /** Moves with every forget: a read that saw it move keeps nothing. */
  private generation = 0;
  /** How far the loop has forgotten; undefined until its first look succeeds (nothing is kept till then). */
  private seen?: GlobalPosition;
  /** When the last look succeeded (epoch ms), for the lag gauge; undefined before the first. */
  lastLookAt?: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(KEY_VERIFICATION_LOOKUP) private readonly lookup: KeyVerificationLookup,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly waiter: CaughtUpWaiter,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** The row from memory, or undefined on a miss (then call load). */
  peek(keyId: string): KeyVerificationRow | undefined {
    return this.rows.get(keyId);
  }

  async load(keyId: string): Promise<KeyVerificationRow | undefined> {
    if (this.timer === undefined && !this.stopped) this.schedule(0);
    const generation = this.generation;
    const row = await this.lookup.findVerification(keyId);
    if (row && this.seen !== undefined && generation === this.generation) this.rows.set(keyId, row);
    return row;
  }

  /** The key as the listing shows it to its tenant, from memory, or undefined on a miss (then call loadListed). */
  peekListed(tenantId: string, keyId: string): ListedKey | undefined {
    const listed = this.listed.get(keyId);
    if (listed === undefined || listed.key.tenantId !== tenantId) return undefined;
    if (Date.now() - listed.readAt < LISTED_KEY_TTL_MS) return listed.key;
    this.listed.delete(keyId);
    return undefined;
  }

  /** Reads the key with `read` (the listing view) and keeps it, under the same rule as load. */
  async loadListed(keyId: string, read: () => Promise<ListedKey | undefined>): Promise<ListedKey | undefined> {
    if (this.timer === undefined && !this.stopped) this.schedule(0);
    const generation = this.generation;
    const readAt = Date.now();
    const listed = await read();
    if (listed && listed.keyId === keyId && this.seen !== undefined && generation === this.generation) this.listed.set(keyId, { key: listed, readAt });
    return listed;
  }

  forget(keyId: string): void {
    this.generation++;
    this.rows.delete(keyId);
    this.listed.delete(keyId);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.look().finally(() => this.stopped || this.schedule(INVALIDATION_POLL_MS)), delayMs);
    this.timer.unref();
  }

  /** One look for changes (what the loop runs every INVALIDATION_POLL_MS); public for the spec. */
  async look(): Promise<void> {
    try {
      const shown = await this.waiter.lowestCheckpoint({ streamNamePrefixes: [API_KEY_STREAM_PREFIX] });
      if (shown === undefined) return this.forgetAll(undefined);
      if (this.seen === undefined) this.forgetAll(shown);
      else if (comparePositions(shown, this.seen) > 0) await this.forgetChangedUpTo(shown);
      this.lastLookAt = Date.now();
    } catch (error) {
      this.logger.warn(`Could not look for key changes; verifying from the view until it works again: ${describeError(error)}`);
      this.forgetAll(undefined);
    }
  }

  /** Forgets the keys of the key events after `seen` up to `shown` (the views show them, so a new read sees them). */
  private async forgetChangedUpTo(shown: GlobalPosition): Promise<void> {
    let after = this.seen;
    for (let read = 0; read < MAX_EVENTS_PER_LOOK; read += PAGE) {
      const page = await this.eventStore.readAll({ after, maxCount: PAGE, filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] } });
      for (const event of page.events) {
        if (comparePositions(event.position, shown) > 0) return void (this.seen = shown);
        this.forget(event.streamName.slice(API_KEY_STREAM_PREFIX.length));
      }
      if (page.isEnd || page.events.length === 0) return void (this.seen = shown);
      after = page.events.at(-1)!.position;
    }
    this.forgetAll(shown);
  }

  private forgetAll(seen: GlobalPosition | undefined): void {
    this.generation++;
    this.rows.clear();
    this.listed.clear();
    this.seen = seen;
  }
}

