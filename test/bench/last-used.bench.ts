import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY_VIEWS, KeyUsageRecorder, KeyVerifier, type KeyVerificationRow, guessingBudgetOptions, keyUsageStore } from '@keystream/api-keys';
import { SystemClock } from '@keystream/clock';
import { MemoryRateBudget } from '@keystream/rate-limits';
import { openSqliteReadModel } from '@keystream/read-model';
import { ScryptSecretHasher, newApiKeyValue, newKeyId } from '@keystream/secrets';
import { round, writeResult } from './bench-report.js';

/**
 * Verification throughput with last-used recording on against off (issue 13: within 5%). Both are
 * the same KeyVerifier on warm keys (rows and successes in memory: the hottest path, where a
 * per-request cost shows most); "on" also records each use and flushes to a real SQLite usage
 * table every 2 s. Rounds alternate off/on so drift on a shared machine hits both alike; the
 * figure is each side's median round. In process, no HTTP: HTTP would only add the same cost to both.
 */
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1_500);

const dir = mkdtempSync(join(tmpdir(), 'keystream-bench-last-used-'));
const readModel = await openSqliteReadModel(join(dir, 'read-model.db'), API_KEY_VIEWS);
const hasher = new ScryptSecretHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });
const keys: { value: string; row: KeyVerificationRow }[] = [];
for (let i = 0; i < KEYS; i++) {
  const keyId = newKeyId();
  const value = newApiKeyValue(keyId);
  keys.push({
    value,
    row: {
      keyId, tenantId: 'bench', ownerId: `u${i}`, scope: 'user', secretHash: await hasher.hash(value), previousSecretHash: '', previousValidUntil: '',
      expiresAt: '2099-01-01T00:00:00.000Z', isActive: true, deleted: false, revision: 0,
    },
  });
}
const rows = new Map(keys.map(({ row }) => [row.keyId, row]));
const cache = { peek: (keyId: string) => rows.get(keyId), load: async (keyId: string) => rows.get(keyId) };
const budget = () => new MemoryRateBudget(guessingBudgetOptions);
const recorder = new KeyUsageRecorder(keyUsageStore(readModel.live));
const off = new KeyVerifier(cache, hasher, new SystemClock(), 300, budget());
const on = new KeyVerifier(cache, hasher, new SystemClock(), 300, budget(), recorder);

/** What the auth guard does per request: authenticate, then (accepted) record the use. */
async function use(verifier: KeyVerifier, value: string, source: string) {
  const caller = await verifier.authenticate(value);
  if (caller?.keyId !== undefined) verifier.recordUse(caller.keyId, caller.tenantId, source);
  return caller;
}

for (const verifier of [off, on]) for (const { value } of keys) if (!(await use(verifier, value, '10.0.0.1'))) throw new Error('warm-up refused a key');

async function round_(verifier: KeyVerifier): Promise<number> {
  let done = 0;
  const end = performance.now() + ROUND_MS;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) await use(verifier, keys[(done + i) % KEYS]!.value, `10.0.${i % 4}.1`);
    done += 200;
  }
  return done / (ROUND_MS / 1000);
}

const offRounds: number[] = [];
const onRounds: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  offRounds.push(await round_(off));
  onRounds.push(await round_(on));
}
await recorder.onModuleDestroy();
const written = await readModel.live.db.selectFrom('key_usage').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
await readModel.close();
rmSync(dir, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const offOps = round(median(offRounds), 0);
const onOps = round(median(onRounds), 0);
const ratio = round(onOps / offOps, 3);
writeResult('last-used', {
  size: { keys: KEYS, rounds: ROUNDS, roundMs: ROUND_MS },
  how: 'in process, warm keys, alternating off/on rounds, medians; "on" records every use and flushes to SQLite every 2 s',
  offRounds: offRounds.map((value) => round(value, 0)),
  onRounds: onRounds.map((value) => round(value, 0)),
  usageRowsWritten: Number(written.n),
  summary: [
    {
      metric: 'warm verifications/s with last-used on',
      value: onOps,
      unit: 'ops/s',
      baseline: { name: 'same verifier, last-used off', value: offOps },
      ratio,
      target: '>= 0.95 of off',
      targetMet: ratio >= 0.95,
    },
  ],
});
console.table({ off: offOps, on: onOps, ratio });
