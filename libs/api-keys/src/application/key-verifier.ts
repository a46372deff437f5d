import { hash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CLOCK, type Clock } from '@keystream/clock';
import { KEY_CACHE_TTL_SECONDS } from '@keystream/config';
import type { ExpectedProblem } from '@keystream/problem-details';
import { type RateBudget, retryAfterSeconds } from '@keystream/rate-limits';
import { SECRET_HASHER, type SecretHasher, parseApiKeyValue } from '@keystream/secrets';
import type { ApiKeyAuthenticator } from '@keystream/tenancy';
import type { UserCaller } from '../domain/index.js';
import type { KeyVerificationRow } from '../views/key-verification/key-verification.row.js';
import { KeyUsageRecorder } from './key-usage.recorder.js';
import { KeyVerificationCache } from './key-verification.cache.js';
import { MALFORMED, NOT_FOUND, type RateLimited, VERIFICATION_CODES, type Verification, type VerificationCode, callerOf, inRotationGrace, refusal } from './verification.js';

/** A spent budget, as verifyOnce reports it. */
type Spent = RateLimited & { retryAfterMs: number };

/** Where a success with the value before a rotation is remembered, beside the current value's. */
const previousSlot = (keyId: string): string => `${keyId}/previous`;

interface Verified {
  digest: Buffer;
  revision: number;
}

/** scrypt runs a guesser can force on one key id per window (successes are given back). */
export const GUESSING_BUDGET = { hashes: 10, windowSeconds: 10 } as const;

/**
 * Where the guessing budget is counted: a RateBudget made with GUESSING_BUDGET's numbers. The
 * composition root provides a PostgreSQL one when PostgreSQL is configured, so every instance
 * spends from the same budget; without one, each instance counts in memory.
 */
export const GUESSING_RATE_BUDGET = Symbol('GUESSING_RATE_BUDGET');
export const guessingBudgetOptions = { points: GUESSING_BUDGET.hashes, windowSeconds: GUESSING_BUDGET.windowSeconds, name: 'guessing' } as const;

/**
 * A key id is not secret (it is in URLs and audit events) and the checksum only catches typos, so
 * anyone can send well-formed values with guessed secrets, each costing a scrypt hash. Each hash
 * for a key id spends from its budget before it runs, so a concurrent burst cannot overshoot; a
 * success gives its share back, so only failures use it up. An empty budget answers 429 without
 * hashing; a caller who holds the real value and has used it recently is still served from the cache.
 */
export class TooManyFailedAttemptsError extends Error implements ExpectedProblem {
  readonly code = 'TooManyRequests';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed attempts with this API key; retry later');
    this.name = 'TooManyFailedAttemptsError';
  }
}

/**
 * Checks a presented key. Malformed values and bad checksums are refused before any lookup; the
 * key id inside the value finds the one verification row (from memory when the key was used lately:
 * KeyVerificationCache); revoked, deleted and expired keys are
 * refused without hashing. scrypt runs only on a cache miss: a success is remembered (by SHA-256
 * of the value, compared in constant time) for as long as the row's revision does not move, so any
 * event about the key forgets it, on every instance.
 */
@Injectable()
export class KeyVerifier implements ApiKeyAuthenticator {
  private readonly verified: LRUCache<string, Verified>;
  private readonly inFlight = new Map<string, Promise<number | false | Spent>>();
  /**
   * Key ids whose guessing budget was found spent, until when (epoch ms, from the budget's own
   * Retry-After). Only ever refuses sooner: a success never comes from it. Bounded as `verified`.
   */
  private readonly spentUntil = new LRUCache<string, number>({ max: 100_000 });
  private readonly refusals = new Map<number, TooManyFailedAttemptsError>();
  /** Outcomes since start, by code: plain counts, read by /metrics when scraped. */
  readonly outcomes: Record<VerificationCode, number> = Object.fromEntries(VERIFICATION_CODES.map((code) => [code, 0])) as Record<VerificationCode, number>;

  constructor(
    @Inject(KeyVerificationCache) private readonly rows: Pick<KeyVerificationCache, 'peek' | 'load'>,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEY_CACHE_TTL_SECONDS) cacheTtlSeconds: number,
    @Inject(GUESSING_RATE_BUDGET) private readonly guessingBudget: RateBudget,
    /** Absent: last-used is not recorded (the CLI, and the bench's baseline). */
    @Optional() @Inject(KeyUsageRecorder) private readonly usage?: KeyUsageRecorder,
  ) {
    this.verified = new LRUCache({ max: 100_000, ttl: Math.max(1, cacheTtlSeconds) * 1000 });
  }

  /**
   * For the auth guard and forward-auth: the caller a key acts as, undefined to refuse, a 429 once the
   * budget is spent. Records no use: they call recordUse once the directory's standing accepts too.
   */
  async authenticate(value: string): Promise<UserCaller | undefined> {
    const outcome = await this.verify(value);
    if (outcome.valid) return outcome.caller;
    if (outcome.code === 'RATE_LIMITED') throw this.tooManyFailedAttempts(outcome.retryAfterSeconds);
    return undefined;
  }

  /** Last used: a request with this key was accepted (off the request path: KeyUsageRecorder batches it). */
  recordUse(keyId: string, tenantId: string, source?: string): void {
    this.usage?.record(keyId, tenantId, source, this.clock.now());
  }

  /**
   * The one verification every route goes through (the guard, forward-auth, the JSON verify), with
   * the reason for a refusal. A wrong secret is NOT_FOUND, as an unknown key id is: only the holder
   * of the real value can tell a key exists. REVOKED, DELETED and EXPIRED are answered from the row
   * without hashing (so they are known from the key id alone: callers decide who may see them).
   * It records nothing: a use is recorded by recordUse, where the caller accepts the request.
   */
  async verify(value: string): Promise<Verification> {
    const parsed = parseApiKeyValue(value);
    if (!parsed) return this.counted(MALFORMED);
    // A warm key is answered from memory without a query (and without an await before the hash check).
    const row = this.rows.peek(parsed.keyId) ?? (await this.rows.load(parsed.keyId));
    if (!row) return this.counted(NOT_FOUND);
    const now = this.clock.now();
    const refused = refusal(row, now);
    if (refused) {
      this.verified.delete(row.keyId);
      return this.counted({ valid: false, code: refused, key: row });
    }
    // One-shot hashing: no Hash object per request (this line runs on every verification).
    const digest = hash('sha256', value, 'buffer');
    // During a rotation's grace the value before the current one is accepted too, remembered in a slot of its own.
    const slots = inRotationGrace(row, now) ? [row.keyId, previousSlot(row.keyId)] : [row.keyId];
    const warm = slots.some((slot) => this.isWarm(slot, row.revision, digest));
    if (!warm) {
      // A guesser's next try while the budget is known spent: refused at once, without asking the
      // budget (a PostgreSQL round trip when shared) or hashing; the holder of a warm value got past.
      const spentFor = this.spentUntil.get(row.keyId);
      if (spentFor !== undefined) {
        // Real time, as the budget counts its windows (not the Clock port, which tests may fix).
        const left = spentFor - Date.now();
        if (left > 0) return this.counted({ valid: false, code: 'RATE_LIMITED', key: row, retryAfterSeconds: retryAfterSeconds({ retryAfterMs: left }) });
        this.spentUntil.delete(row.keyId);
      }
      const hashes = slots.length === 1 ? [row.secretHash] : [row.secretHash, row.previousSecretHash];
      const matches = await this.verifyOnce(row, value, hashes, digest);
      if (matches === false) return this.counted(NOT_FOUND);
      if (typeof matches !== 'number') {
        this.spentUntil.set(row.keyId, Date.now() + matches.retryAfterMs);
        return this.counted({ valid: false, code: 'RATE_LIMITED', key: row, retryAfterSeconds: matches.retryAfterSeconds });
      }
      this.verified.set(slots[matches]!, { digest, revision: row.revision });
    }
    return this.counted({ valid: true, code: 'VALID', key: row, caller: callerOf(row) });
  }

  /** One error per Retry-After value, made once: a flood of refusals builds no Error (and no stack) per request. */
  private tooManyFailedAttempts(retryAfter: number): TooManyFailedAttemptsError {
    let error = this.refusals.get(retryAfter);
    if (!error) {
      if (this.refusals.size >= 64) this.refusals.clear();
      this.refusals.set(retryAfter, (error = new TooManyFailedAttemptsError(retryAfter)));
    }
    return error;
  }

  private counted(outcome: Verification): Verification {
    this.outcomes[outcome.code]++;
    return outcome;
  }

  /**
   * Concurrent first requests with the same value share one scrypt run, and so one share of the
   * key id's guessing budget, which a success gives back.
   */
  private isWarm(slot: string, revision: number, digest: Buffer): boolean {
    const cached = this.verified.get(slot);
    return cached !== undefined && cached.revision === revision && timingSafeEqual(cached.digest, digest);
  }

  /**
   * The index of the hash the value matches (0 current, 1 previous), false for none; one budget share
   * for the try. Only checks against the same hashes are shared (same revision, same slots): one started
   * before a rotation must not answer for the row after it, where the old value is no longer current.
   */
  private verifyOnce(row: KeyVerificationRow, value: string, hashes: readonly string[], digest: Buffer): Promise<number | false | Spent> {
    const { keyId } = row;
    const id = `${row.revision}:${hashes.length}:${digest.toString('hex')}`;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.guessingBudget
        .spend(keyId)
        .then(async (spent) => {
          if (!spent.allowed) return { retryAfterSeconds: retryAfterSeconds(spent), retryAfterMs: spent.retryAfterMs };
          for (const [index, hash] of hashes.entries()) {
            if (!(await this.hasher.verify(value, hash))) continue;
            await this.giveBackGuessingBudget(keyId);
            return index;
          }
          return false;
        })
        .finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  /** Only into the window it was spent in (the budget's rule): a new window starts full. */
  private giveBackGuessingBudget(keyId: string): Promise<void> {
    return this.guessingBudget.giveBack(keyId);
  }
}
