import { describe, expect, it } from 'vitest';
import { isKeyId, newApiKeyValue, newKeyId, parseApiKeyValue } from './api-key-value.js';

describe('API key values', () => {
  const keyId = newKeyId();
  const value = newApiKeyValue(keyId);

  it('carry a recognisable prefix and their key id, and parse back to it', () => {
    expect(isKeyId(keyId)).toBe(true);
    expect(value).toMatch(/^ks_[0-9a-f]{24}_[0-9A-Za-z]{49}$/);
    expect(parseApiKeyValue(value)).toEqual({ keyId });
  });

  it('hold 256 random bits: no two values repeat', () => {
    const values = new Set(Array.from({ length: 1000 }, () => newApiKeyValue(keyId)));
    expect(values.size).toBe(1000);
  });

  it('refuse any single mistyped character through the checksum', () => {
    for (let i = 0; i < value.length; i++) {
      const replacement = value[i] === 'a' ? 'b' : 'a';
      const typo = value.slice(0, i) + replacement + value.slice(i + 1);
      expect(parseApiKeyValue(typo), `position ${i}`).toBeUndefined();
    }
  });

  it('refuse truncated, padded and garbage values', () => {
    for (const bad of [value.slice(0, -1), `${value}x`, ` ${value}`, '', 'ks_', 'Bearer x', '💥'.repeat(40)]) {
      expect(parseApiKeyValue(bad)).toBeUndefined();
    }
  });
});
