import { crc32 } from 'node:zlib';
import baseX from 'base-x';
import { GUESSING_BUDGET } from '@keystream/api-keys';

export * from '../e2e/harness.js';
export const GUESSING_BUDGET_HASHES = GUESSING_BUDGET.hashes;

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
/** Another secret for the same key id, with a CRC-32 checksum that passes: what a guesser sends. */
export const wrongSecretFor = (apiKey: string): string => {
  const body = `${apiKey.split('_').slice(0, 2).join('_')}_${'A'.repeat(43)}`;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return body + base62.encode(bytes).padStart(6, '0');
};
