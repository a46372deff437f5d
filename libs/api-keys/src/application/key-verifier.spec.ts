import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '@keystream/clock';
import { loadConfig } from '@keystream/config';
import { type ReadModel, openSqliteReadModel } from '@keystream/read-model';
import { ScryptSecretHasher, type SecretHasher, newApiKeyValue, newKeyId } from '@keystream/secrets';
import { MemoryRateBudget } from '@keystream/rate-limits';
import { API_KEY_VIEWS } from '../views/index.js';
import { keyVerificationLookup, keyVerificationRows } from '../views/key-verification/key-verification.queries.js';
import type { KeyVerificationRow } from '../views/key-verification/key-verification.row.js';
import { GUESSING_BUDGET, KeyVerifier, TooManyFailedAttemptsError, guessingBudgetOptions } from './key-verifier.js';
import type { KeyUsageRecorder } from './key-usage.recorder.js';

/** Counts scrypt runs, so the tests can tell a cache hit or a refusal from a hash. */
class CountingHasher implements SecretHasher {
  runs = 0;
  private readonly inner = new ScryptSecretHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });
  hash(secret: string) {
    return this.inner.hash(secret);
  }
  verify(secret: string, stored: string) {
    this.runs += 1;
    return this.inner.verify(secret, stored);
  }
}

/** Same key id and checksum rules, another secret: what a guesser sends. */
const guessFor = (keyId: string) => newApiKeyValue(keyId);

describe('KeyVerifier', () => {
  let dir: string;
  let readModel: ReadModel;
  const clock = new FixedClock(new Date('2026-11-23T10:00:00.000Z'));
  const hasher = new CountingHasher();
  let verifier: KeyVerifier;

  const issue = async (overrides: Partial<KeyVerificationRow> = {}) => {
    const keyId = newKeyId();
    const value = newApiKeyValue(keyId);
    const row: KeyVerificationRow = {
      keyId, tenantId: 't1', ownerId: 'alice', scope: 'user', secretHash: await hasher.hash(value), previousSecretHash: '', previousValidUntil: '',
      expiresAt: '2027-01-01T00:00:00.000Z', isActive: true, deleted: false, revision: 0, ...overrides,
    };
    await readModel.transaction((tx) => keyVerificationRows.save(tx.views, [row]));
    return { keyId, value, row };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-verifier-'));
    readModel = await openSqliteReadModel(join(dir, 'read-model.db'), API_KEY_VIEWS);
    const lookup = keyVerificationLookup(readModel.live);
    // Straight to the view: the cache in front of it has its own spec.
    verifier = new KeyVerifier({ peek: () => undefined, load: (keyId) => lookup.findVerification(keyId) }, hasher, clock, loadConfig({}).KEY_CACHE_TTL_SECONDS, new MemoryRateBudget(guessingBudgetOptions));
  });
  afterAll(async () => {
    await readModel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the real value as its owner, hashing only the first time', async () => {
    const { keyId, value } = await issue();
    const before = hasher.runs;
    expect(await verifier.authenticate(value)).toEqual({ kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'apiKey', keyId });
    await verifier.authenticate(value);
    await verifier.authenticate(value);
    expect(hasher.runs - before).toBe(1);
  });

  it('hashes again once any event moved the row’s revision', async () => {
    const { value, row } = await issue();
    await verifier.authenticate(value);
    const before = hasher.runs;
    await readModel.transaction((tx) => keyVerificationRows.save(tx.views, [{ ...row, revision: 1, expiresAt: '2027-02-01T00:00:00.000Z' }]));
    expect(await verifier.authenticate(value)).toBeDefined();
    expect(hasher.runs - before).toBe(1);
  });

  it('refuses revoked, deleted and expired keys without hashing', async () => {
    const before = hasher.runs;
    for (const overrides of [{ isActive: false }, { deleted: true }, { expiresAt: '2026-11-23T09:59:59.999Z' }]) {
      const { value } = await issue(overrides);
      expect(await verifier.authenticate(value)).toBeUndefined();
    }
    expect(hasher.runs).toBe(before);
  });

  it('refuses malformed values and unknown key ids without hashing', async () => {
    const before = hasher.runs;
    expect(await verifier.authenticate('ks_nonsense')).toBeUndefined();
    expect(await verifier.authenticate(newApiKeyValue(newKeyId()))).toBeUndefined();
    expect(hasher.runs).toBe(before);
  });

  it('stops hashing guesses for a key id once its budget is spent, and says when to retry', async () => {
    const { keyId, value } = await issue();
    await verifier.authenticate(value); // the owner's value is now cached
    for (let i = 0; i < GUESSING_BUDGET.hashes; i++) expect(await verifier.authenticate(guessFor(keyId))).toBeUndefined();
    const before = hasher.runs;
    const refusal = await verifier.authenticate(guessFor(keyId)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TooManyFailedAttemptsError);
    expect((refusal as TooManyFailedAttemptsError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refusal as TooManyFailedAttemptsError).retryAfterSeconds).toBeLessThanOrEqual(GUESSING_BUDGET.windowSeconds);
    expect(hasher.runs).toBe(before);
    expect(await verifier.authenticate(value)).toBeDefined(); // served from the cache
  });

  it('once a key id’s budget is found spent, refuses its guesses without asking the budget or hashing; the warm owner still passes', async () => {
    const budget = new MemoryRateBudget(guessingBudgetOptions);
    let asked = 0;
    const counting = { spend: (key: string) => (asked++, budget.spend(key)), giveBack: (key: string) => budget.giveBack(key), close: () => budget.close() };
    const lookup = keyVerificationLookup(readModel.live);
    const flooded = new KeyVerifier({ peek: () => undefined, load: (keyId) => lookup.findVerification(keyId) }, hasher, clock, 300, counting);
    const { keyId, value } = await issue();
    await flooded.authenticate(value);
    for (let i = 0; i < GUESSING_BUDGET.hashes; i++) expect(await flooded.authenticate(guessFor(keyId))).toBeUndefined();
    await expect(flooded.authenticate(guessFor(keyId))).rejects.toBeInstanceOf(TooManyFailedAttemptsError);
    const [askedBefore, hashedBefore] = [asked, hasher.runs];
    for (let i = 0; i < 50; i++) await expect(flooded.authenticate(guessFor(keyId))).rejects.toBeInstanceOf(TooManyFailedAttemptsError);
    expect(asked).toBe(askedBefore);
    expect(hasher.runs).toBe(hashedBefore);
    expect(await flooded.authenticate(value)).toBeDefined();
    // Another key id's budget is its own.
    const other = await issue();
    expect(await flooded.authenticate(other.value)).toBeDefined();
  });

  it('spends the budget before hashing, so a concurrent burst of guesses cannot overshoot it', async () => {
    const { keyId } = await issue();
    const before = hasher.runs;
    const outcomes = await Promise.allSettled(Array.from({ length: 3 * GUESSING_BUDGET.hashes }, () => verifier.authenticate(guessFor(keyId))));
    expect(hasher.runs - before).toBe(GUESSING_BUDGET.hashes);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === undefined)).toHaveLength(GUESSING_BUDGET.hashes);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof TooManyFailedAttemptsError)).toHaveLength(
      2 * GUESSING_BUDGET.hashes,
    );
  });

  it('never refuses the real value for successes alone, however many cold verifications it needs', async () => {
    const { value, row } = await issue();
    for (let revision = 1; revision <= 3 * GUESSING_BUDGET.hashes; revision++) {
      await readModel.transaction((tx) => keyVerificationRows.save(tx.views, [{ ...row, revision }])); // forget the cached success
      expect(await verifier.authenticate(value)).toBeDefined();
    }
  });

  it('lets a burst of first requests with the real value share one hash, leaving the budget whole', async () => {
    const { keyId, value } = await issue();
    const before = hasher.runs;
    const callers = await Promise.all(Array.from({ length: 3 * GUESSING_BUDGET.hashes }, () => verifier.authenticate(value)));
    expect(callers.every((caller) => caller?.userId === 'alice')).toBe(true);
    expect(hasher.runs - before).toBe(1);
    for (let i = 0; i < GUESSING_BUDGET.hashes; i++) expect(await verifier.authenticate(guessFor(keyId))).toBeUndefined();
    expect(hasher.runs - before).toBe(1 + GUESSING_BUDGET.hashes);
  });
  describe('last used', () => {
    const recorded: string[] = [];
    const recorder = { record: (keyId: string, tenantId: string, source: string | undefined) => void recorded.push(`${tenantId}/${keyId}@${source}`) } as unknown as KeyUsageRecorder;
    const recording = () => {
      recorded.length = 0;
      return new KeyVerifier({ peek: () => undefined, load: (keyId) => keyVerificationLookup(readModel.live).findVerification(keyId) }, hasher, clock, 300, new MemoryRateBudget(guessingBudgetOptions), recorder);
    };

    it('is not recorded by authenticate (the guard records once the standing accepts), but by recordUse', async () => {
      const verifier = recording();
      const { keyId, value } = await issue();
      expect(await verifier.authenticate(value)).toBeDefined();
      expect(await verifier.authenticate(value)).toBeDefined(); // warm, too
      expect(recorded).toEqual([]);
      verifier.recordUse(keyId, 't1', '10.0.0.9');
      expect(recorded).toEqual([`t1/${keyId}@10.0.0.9`]);
    });

    it('is never recorded by verify, valid or refused (a leak report, the JSON verify record where they accept)', async () => {
      const verifier = recording();
      const { keyId, value } = await issue();
      expect((await verifier.verify(value)).valid).toBe(true);
      expect((await verifier.verify(value)).valid).toBe(true);
      expect((await verifier.verify(guessFor(keyId))).valid).toBe(false);
      expect(recorded).toEqual([]);
    });
  });

  describe('after a rotation', () => {
    /** A key whose value was replaced: `value` is the current one, `old` the one before it. */
    const rotated = async (previousValidUntil: string) => {
      const { keyId, value, row } = await issue();
      const old = newApiKeyValue(keyId);
      const next = { ...row, previousSecretHash: await hasher.hash(old), previousValidUntil, revision: 1 };
      await readModel.transaction((tx) => keyVerificationRows.save(tx.views, [next]));
      return { keyId, value, old };
    };
    const inAnHour = '2026-11-23T11:00:00.000Z';

    it('accepts the previous value until its grace ends, the current one as ever', async () => {
      const during = await rotated(inAnHour);
      expect(await verifier.authenticate(during.old)).toMatchObject({ userId: 'alice', keyId: during.keyId });
      expect(await verifier.authenticate(during.value)).toMatchObject({ userId: 'alice', keyId: during.keyId });
      const over = await rotated(clock.now().toISOString()); // the grace ends exactly now: over
      expect(await verifier.authenticate(over.old)).toBeUndefined();
      expect(await verifier.authenticate(over.value)).toBeDefined();
    });

    it('remembers each of the two values, so clients alternating between them hash once each', async () => {
      const { value, old } = await rotated(inAnHour);
      const before = hasher.runs;
      for (let i = 0; i < 3; i++) {
        expect(await verifier.authenticate(value)).toBeDefined();
        expect(await verifier.authenticate(old)).toBeDefined();
      }
      // The current value: one hash; the previous one: a miss on the current hash, then its own.
      expect(hasher.runs - before).toBe(3);
    });

    it('forgets a remembered previous value when its grace ends, without any event', async () => {
      const { old } = await rotated(inAnHour);
      expect(await verifier.authenticate(old)).toBeDefined();
      clock.advance(60 * 60 * 1000);
      try {
        expect(await verifier.authenticate(old)).toBeUndefined();
      } finally {
        clock.advance(-60 * 60 * 1000);
      }
    });

    it('spends one budget share per wrong guess during a grace, though it costs two hashes', async () => {
      const { keyId } = await rotated(inAnHour);
      const before = hasher.runs;
      for (let i = 0; i < GUESSING_BUDGET.hashes; i++) expect(await verifier.authenticate(guessFor(keyId))).toBeUndefined();
      expect(hasher.runs - before).toBe(2 * GUESSING_BUDGET.hashes);
      await expect(verifier.authenticate(guessFor(keyId))).rejects.toBeInstanceOf(TooManyFailedAttemptsError);
    });

    it('does not let a check begun before a rotation answer for the row after it (the old value stays refused)', async () => {
      const keyId = newKeyId();
      const value = newApiKeyValue(keyId);
      const before: KeyVerificationRow = {
        keyId, tenantId: 't1', ownerId: 'alice', scope: 'user', secretHash: await hasher.hash(value), previousSecretHash: '', previousValidUntil: '',
        expiresAt: '2027-01-01T00:00:00.000Z', isActive: true, deleted: false, revision: 0,
      };
      // Rotated with no grace: the value above is no longer accepted.
      const after: KeyVerificationRow = { ...before, secretHash: await hasher.hash(newApiKeyValue(keyId)), previousSecretHash: before.secretHash, previousValidUntil: clock.now().toISOString(), revision: 1 };
      let current = before;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const gated: SecretHasher = { hash: (secret) => hasher.hash(secret), verify: async (secret, stored) => (await gate, hasher.verify(secret, stored)) };
      const rows = { peek: () => current, load: async () => current };
      const isolated = new KeyVerifier(rows, gated, clock, loadConfig({}).KEY_CACHE_TTL_SECONDS, new MemoryRateBudget(guessingBudgetOptions));
      const started = isolated.verify(value); // in flight against the row before the rotation
      current = after;
      const joined = isolated.verify(value); // the same value, now checked against the rotated row
      release();
      expect((await started).valid).toBe(true); // it was current when the check began
      expect(await joined).toMatchObject({ valid: false, code: 'NOT_FOUND' });
      expect(await isolated.verify(value)).toMatchObject({ valid: false, code: 'NOT_FOUND' }); // and nothing cached it as current
    });
  });
});
