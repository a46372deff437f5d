import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { SecretHasher } from '../../secret-hasher.port.js';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
  saltLength: number;
}

/** 2^14 costs about 34 ms on one core here (README, "Hashing"): ample for 256-bit random secrets. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 2 ** 14, r: 8, p: 1, keyLength: 32, saltLength: 16 };

const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * node:crypto's scrypt runs on libuv's thread pool, so hashing never blocks the event loop
 * (scrypt-js computes on it; see test/bench/scrypt.bench.ts). The stored form carries its
 * parameters, so they can be raised later without invalidating existing keys.
 */
export class ScryptSecretHasher implements SecretHasher {
  constructor(private readonly parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS) {}

  async hash(secret: string): Promise<string> {
    const { N, r, p, keyLength, saltLength } = this.parameters;
    const salt = randomBytes(saltLength);
    const derived = await scryptAsync(secret, salt, keyLength, { N, r, p });
    return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${derived.toString('base64url')}`;
  }

  async verify(secret: string, storedHash: string): Promise<boolean> {
    const match = FORMAT.exec(storedHash);
    if (!match) return false;
    const [, N, r, p, salt, expected] = match;
    const expectedBytes = Buffer.from(expected!, 'base64url');
    try {
      const derived = await scryptAsync(secret, Buffer.from(salt!, 'base64url'), expectedBytes.length, {
        N: Number(N),
        r: Number(r),
        p: Number(p),
      });
      return derived.length === expectedBytes.length && timingSafeEqual(derived, expectedBytes);
    } catch {
      // Parameters scrypt refuses (N not a power of two, too much memory): no value can match.
      return false;
    }
  }
}

export const scryptAsync = (secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
