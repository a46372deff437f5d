import { describe, expect, it } from 'vitest';
import type { ApiKeyCommandRunner } from '../../application/api-key-command-runner.js';
import type { KeyVerifier } from '../../application/key-verifier.js';
import type { Verification } from '../../application/verification.js';
import type { KeyVerificationRow } from '../../views/key-verification/key-verification.row.js';
import { LeakedKeyReports, MAX_LEAKED_VALUE_ATTEMPTS } from './leaked-key-reports.js';

const row: KeyVerificationRow = {
  keyId: 'key-1',
  tenantId: 'tenant-a',
  ownerId: 'alice',
  scope: 'user',
  secretHash: 'h',
  previousSecretHash: '',
  previousValidUntil: '',
  expiresAt: '2099-01-01T00:00:00.000Z',
  isActive: true,
  deleted: false,
  revision: 0,
};
const VALID: Verification = { valid: true, code: 'VALID', key: row, caller: { kind: 'user', tenantId: 'tenant-a', userId: 'alice', isTenantAdmin: false, via: 'apiKey', keyId: 'key-1' } };
const RATE_LIMITED: Verification = { valid: false, code: 'RATE_LIMITED', key: row, retryAfterSeconds: 0 };
const NOT_FOUND: Verification = { valid: false, code: 'NOT_FOUND' };

/** A queue over a verifier answering `answer(value, call)` and a runner that records the revocations. */
const reportsWith = (answer: (value: string, call: number) => Verification | Promise<Verification>) => {
  const revoked: string[] = [];
  let calls = 0;
  const verifier = { verify: async (value: string) => answer(value, ++calls) } as unknown as KeyVerifier;
  const runner = {
    run: async (keyId: string) => {
      revoked.push(keyId);
      return { changed: true, revision: 1n, events: [] };
    },
  } as unknown as ApiKeyCommandRunner;
  return { reports: new LeakedKeyReports(verifier, runner), revoked, calls: () => calls };
};

describe('leaked-key reports', () => {
  it('checks a value again when its key id guessing budget is spent, and revokes once it verifies', async () => {
    // Someone holding the leaked key spends its budget with wrong values: the first three checks find it spent.
    const { reports, revoked } = reportsWith((_value, call) => (call <= 3 ? RATE_LIMITED : VALID));
    reports.accept(['leaked-value'], 'corr-1');
    await reports.idle();
    expect(revoked).toEqual(['key-1']);
    expect(reports.counts).toEqual({ checked: 4, revoked: 1 });
  });

  it('gives up after a bounded number of checks while the budget stays spent', async () => {
    const { reports, revoked, calls } = reportsWith(() => RATE_LIMITED);
    reports.accept(['leaked-value'], 'corr-1');
    await reports.idle();
    expect(calls()).toBe(MAX_LEAKED_VALUE_ATTEMPTS);
    expect(revoked).toEqual([]);
  });

  it('drops a value waiting for its retry when the application shuts down', async () => {
    const { reports, calls } = reportsWith(() => ({ ...RATE_LIMITED, retryAfterSeconds: 3600 }) as Verification);
    reports.accept(['leaked-value'], 'corr-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls()).toBe(1);
    await reports.onApplicationShutdown();
    await reports.idle();
    expect(calls()).toBe(1);
  });

  it('checks a value accepted after the drain left its loop but before it was marked done', async () => {
    // The second report arrives `hops` microtasks after the first value's check ends; some of these
    // land between the drain loop's end and the `.finally` that clears the draining flag.
    for (let hops = 0; hops < 12; hops++) {
      let reports!: LeakedKeyReports;
      const queue = reportsWith((value) => {
        if (value === 'first') {
          let later: Promise<unknown> = Promise.resolve();
          for (let hop = 0; hop < hops + 2; hop++) later = later.then(() => undefined);
          void later.then(() => reports.accept(['second'], 'corr-2'));
        }
        return NOT_FOUND;
      });
      reports = queue.reports;
      reports.accept(['first'], 'corr-1');
      await reports.idle();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await reports.idle();
      expect({ hops, checked: reports.counts.checked }).toEqual({ hops, checked: 2 });
    }
  });
});
