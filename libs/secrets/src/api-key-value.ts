import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import baseX from 'base-x';

/**
 * The key value handed to a user once: `ks_<key id>_<secret><checksum>`.
 * - the prefix makes leaked keys recognisable to secret scanners;
 * - the key id lets verification find the one row to check in O(1), before any hashing;
 * - the secret is 256 random bits in 43 base62 characters;
 * - the CRC-32 checksum refuses mistyped or truncated values without touching storage.
 * base62 keeps the value one "word" for double-click selection, and free of URL-special characters.
 */
const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
const PREFIX = 'ks_';
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const KEY_ID = /^[0-9a-f]{24}$/;
const FORMAT = new RegExp(`^${PREFIX}([0-9a-f]{24})_([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`);

export const isKeyId = (text: string): boolean => KEY_ID.test(text);

/** A new key id: 96 random bits as 24 hex characters, the shape of Palette's uids. */
export const newKeyId = (): string => randomBytes(12).toString('hex');

export const newApiKeyValue = (keyId: string): string => {
  if (!isKeyId(keyId)) throw new Error('A key id is 24 lowercase hex characters');
  const secret = encodeFixed(randomBytes(32), SECRET_LENGTH);
  const body = `${PREFIX}${keyId}_${secret}`;
  return `${body}${checksum(body)}`;
};

/** The key id of a well-formed value with a valid checksum; undefined for anything else. */
export const parseApiKeyValue = (value: string): { keyId: string } | undefined => {
  const match = FORMAT.exec(value);
  if (!match) return undefined;
  const body = value.slice(0, value.length - CHECKSUM_LENGTH);
  return checksum(body) === match[3] ? { keyId: match[1]! } : undefined;
};

const checksum = (body: string): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return encodeFixed(bytes, CHECKSUM_LENGTH);
};

const encodeFixed = (bytes: Buffer, length: number): string => base62.encode(bytes).padStart(length, '0');
