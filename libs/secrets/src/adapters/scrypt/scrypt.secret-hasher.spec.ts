import { describe, expect, it } from 'vitest';
import scryptJsModule from 'scrypt-js';
import { ScryptSecretHasher, scryptAsync } from './scrypt.secret-hasher.js';

const { scrypt: scryptJs } = scryptJsModule;

describe('ScryptSecretHasher', () => {
  const hasher = new ScryptSecretHasher();

  it('verifies the secret it hashed and refuses any other', async () => {
    const stored = await hasher.hash('s3cret');
    expect(stored).toMatch(/^scrypt\$N=16384,r=8,p=1\$/);
    expect(stored).not.toContain('s3cret');
    expect(await hasher.verify('s3cret', stored)).toBe(true);
    expect(await hasher.verify('s3cret ', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('answers false for a malformed stored hash instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$N=x,r=8,p=1$a$b', 'bcrypt$2b$10$abc', 'scrypt$N=1000,r=8,p=1$c2FsdA$aGFzaA', 'scrypt$N=1073741824,r=8,p=1$c2FsdA$aGFzaA']) {
      expect(await hasher.verify('s3cret', stored)).toBe(false);
    }
  });

  it('derives the same bytes as scrypt-js, an independent implementation', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const params = { N: 2 ** 14, r: 8, p: 1 };
    const ours = await scryptAsync('correct horse battery staple', salt, 32, params);
    const theirs = await scryptJs(Buffer.from('correct horse battery staple'), salt, params.N, params.r, params.p, 32);
    expect(ours.toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
  });
});
