import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { fromVerificationRecord } from '../../libs/api-keys/src/views/key-verification/key-verification.mapper.js';
import type { KeyVerificationRow } from '../../libs/api-keys/src/views/key-verification/key-verification.row.js';

/**
 * One design of verification-memory.bench.ts in a fresh process (`node --expose-gc`), so its memory
 * is measured alone: argv = design, keys, SQLite file holding the key_verification rows.
 * - index: every row loaded at start into a Map (the "full index" design): start-up time and memory;
 * - cache: the bounded LRU (KeyVerificationCache's structure) holding that many rows, filled by
 *   misses; the cost of one miss (a primary-key read of the view) is timed too;
 * - verified: the verifier's LRU of SHA-256 digests of values proven by scrypt (either design needs it for warm keys).
 */
const [design, keysText, file] = process.argv.slice(2) as ['index' | 'cache' | 'verified', string, string];
const keys = Number(keysText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const memory = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external + usage.arrayBuffers, rss: usage.rss };
};

const db = new Database(file, { readonly: true });
const all = db.prepare('select * from key_verification');
const one = db.prepare('select * from key_verification where key_id = ?');
const before = memory();
const started = performance.now();
let held: unknown;
let missMicros: number | undefined;
if (design === 'index') {
  const index = new Map<string, KeyVerificationRow>();
  for (const record of all.iterate() as Iterable<any>) index.set(record.key_id, fromVerificationRecord(record));
  held = index;
} else if (design === 'cache') {
  const ids = (db.prepare('select key_id from key_verification where rowid % 97 = 0 limit 20000').pluck().all() as string[]);
  const missStart = performance.now();
  for (const id of ids) fromVerificationRecord(one.get(id) as any);
  missMicros = ((performance.now() - missStart) * 1000) / ids.length;
  const cache = new LRUCache<string, KeyVerificationRow>({ max: keys });
  for (const record of all.iterate() as Iterable<any>) cache.set(record.key_id, fromVerificationRecord(record));
  held = cache;
} else {
  const verified = new LRUCache<string, { digest: Buffer; revision: number }>({ max: keys, ttl: 300_000 });
  for (const id of db.prepare('select key_id from key_verification').pluck().iterate() as Iterable<string>) {
    verified.set(id, { digest: createHash('sha256').update(`ks_${id}_secret`).digest(), revision: 1 });
  }
  held = verified;
}
const loadMs = performance.now() - started;
const after = memory();
const size = (held as { size: number }).size;
process.stdout.write(
  `${JSON.stringify({ design, keys: size, loadMs, missMicros, heapBytes: after.heap - before.heap, rssBytes: after.rss - before.rss, rssTotalBytes: after.rss })}\n`,
);
