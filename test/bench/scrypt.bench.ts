import { randomBytes, scrypt } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import scryptJsModule from 'scrypt-js';
import { DEFAULT_SCRYPT_PARAMETERS } from '@keystream/secrets';
import { round, writeResult } from './bench-report.js';

/**
 * scrypt-js (the design card's package) against node:crypto.scrypt at the parameters Keystream
 * uses: time per hash, throughput with 4 hashes in flight, and how long each blocks the event loop.
 */
const { N, r, p, keyLength } = DEFAULT_SCRYPT_PARAMETERS;
const { scrypt: scryptJs } = scryptJsModule;
const ROUNDS = 12;

const nodeScrypt = (secret: Buffer, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
const jsScrypt = (secret: Buffer, salt: Buffer) => scryptJs(secret, salt, N, r, p, keyLength);

async function measure(name: string, hash: (secret: Buffer, salt: Buffer) => Promise<unknown>) {
  const secret = randomBytes(32);
  await hash(secret, randomBytes(16)); // warm-up
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const sequentialStart = performance.now();
  for (let i = 0; i < ROUNDS; i++) await hash(secret, randomBytes(16));
  const sequentialMs = (performance.now() - sequentialStart) / ROUNDS;
  const concurrentStart = performance.now();
  await Promise.all(Array.from({ length: ROUNDS }, () => hash(secret, randomBytes(16))));
  const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
  loop.disable();
  return {
    implementation: name,
    msPerHash: round(sequentialMs),
    hashesPerSecondConcurrent: round(ROUNDS / concurrentSeconds, 1),
    eventLoopDelayMaxMs: round(loop.max / 1e6),
    eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
  };
}

const results = [await measure('node:crypto.scrypt', nodeScrypt), await measure('scrypt-js', jsScrypt)];
const [native, js] = results;
writeResult('scrypt', {
  parameters: { N, r, p, keyLength },
  results,
  choice: 'node:crypto.scrypt',
  summary: [
    { metric: 'scrypt N=2^14 r=8 p=1, node:crypto: ms per hash', value: native!.msPerHash, unit: 'ms', baseline: { name: 'scrypt-js, ms per hash', value: js!.msPerHash }, ratio: round(js!.msPerHash / native!.msPerHash, 2) },
    { metric: 'scrypt, node:crypto: hashes/s with 12 in flight', value: native!.hashesPerSecondConcurrent, unit: 'hashes/s' },
  ],
  why: `node:crypto.scrypt is ${round(js!.msPerHash / native!.msPerHash, 1)}x faster per hash and blocks the event loop for at most ${native!.eventLoopDelayMaxMs} ms (scrypt-js: ${js!.eventLoopDelayMaxMs} ms), because it runs on libuv's thread pool.`,
});
console.table(results);
