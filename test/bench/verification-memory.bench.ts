import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { round, writeResult } from './bench-report.js';

/**
 * Memory and start-up of the two designs issue 11 names for verification from memory, at BENCH_INDEX_KEYS
 * (default 1,000,000) keys: a full index loaded at start-up, or a bounded cache filled on misses (what
 * Keystream ships: KeyVerificationCache, 100,000 rows). Rows shaped as the view's (24-hex key id, UUID
 * tenant and owner, a real-length scrypt hash) are written to a SQLite key_verification table, then each
 * design is measured in a fresh process (verification-memory-probe.ts).
 */
const KEYS = Number(process.env.BENCH_INDEX_KEYS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'keystream-bench-index-'));
const file = join(dir, 'views.sqlite');
try {
  const writeStart = performance.now();
  const db = new Database(file);
  db.exec(`create table key_verification (key_id text primary key, tenant_id text not null, owner_id text not null, scope text not null,
    secret_hash text not null, expires_at text not null, is_active integer not null, deleted integer not null, revision bigint not null)`);
  const insert = db.prepare('insert into key_verification values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const tenants = Array.from({ length: 100 }, () => crypto.randomUUID());
  db.transaction(() => {
    for (let i = 0; i < KEYS; i++) {
      const hash = `scrypt$N=16384,r=8,p=1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;
      insert.run(randomBytes(12).toString('hex'), tenants[i % 100], crypto.randomUUID(), i % 10 === 0 ? 'tenant' : 'user', hash, '2027-06-01T00:00:00.000Z', 1, 0, 1);
    }
  })();
  db.close();
  const writeSeconds = round((performance.now() - writeStart) / 1000, 1);

  const probe = (design: string) =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', 'dist/test/bench/verification-memory-probe.js', design, String(KEYS), file], { encoding: 'utf8' }).trim()) as {
      keys: number; loadMs: number; missMicros?: number; heapBytes: number; rssBytes: number; rssTotalBytes: number;
    };
  const index = probe('index');
  const cache = probe('cache');
  const verified = probe('verified');
  const mib = (bytes: number) => round(bytes / 2 ** 20, 0);
  const perKey = (bytes: number) => round(bytes / KEYS, 0);
  writeResult('verification-memory', {
    keys: KEYS,
    viewWriteSeconds: writeSeconds,
    index: { ...index, heapMiB: mib(index.heapBytes), rssMiB: mib(index.rssBytes), bytesPerKey: perKey(index.heapBytes) },
    cache: { ...cache, heapMiB: mib(cache.heapBytes), rssMiB: mib(cache.rssBytes), bytesPerKey: perKey(cache.heapBytes) },
    verifiedDigests: { ...verified, heapMiB: mib(verified.heapBytes), bytesPerKey: perKey(verified.heapBytes) },
    choice: 'bounded cache (KeyVerificationCache, 100,000 rows): no start-up load, memory bounded whatever the key count, a miss costs one primary-key read',
    summary: [
      { metric: `full index, ${KEYS.toLocaleString('en')} keys: start-up load from SQLite`, value: round(index.loadMs, 0), unit: 'ms' },
      { metric: `full index, ${KEYS.toLocaleString('en')} keys: RSS growth`, value: mib(index.rssBytes), unit: 'MiB' },
      { metric: 'full index: heap bytes per key', value: perKey(index.heapBytes), unit: 'B' },
      { metric: `bounded cache filled to ${KEYS.toLocaleString('en')} keys: RSS growth`, value: mib(cache.rssBytes), unit: 'MiB' },
      { metric: 'bounded cache: heap bytes per key', value: perKey(cache.heapBytes), unit: 'B' },
      { metric: 'bounded cache: one miss (primary-key read of the SQLite view)', value: round(cache.missMicros ?? 0, 1), unit: 'µs' },
      { metric: 'verified-secret digests: heap bytes per warm key', value: perKey(verified.heapBytes), unit: 'B' },
    ],
  });
  process.stdout.write(`index ${round(index.loadMs, 0)} ms, ${perKey(index.heapBytes)} B/key, RSS +${mib(index.rssBytes)} MiB; cache ${perKey(cache.heapBytes)} B/key, miss ${round(cache.missMicros ?? 0, 1)} µs\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
