import { describe, expect, it } from 'vitest';
import { SCIM_TOKEN_PREFIX, ScimTokens, hashScimToken, issueScimToken } from './scim-tokens.js';

describe('SCIM bearer tokens', () => {
  it('are issued with 256 random bits and configured by their SHA-256 alone', () => {
    const { token, sha256 } = issueScimToken();
    expect(token.startsWith(SCIM_TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThanOrEqual(SCIM_TOKEN_PREFIX.length + 43);
    expect(sha256).toBe(hashScimToken(token));
    expect(issueScimToken().token).not.toBe(token);
    const tokens = ScimTokens.parse(`acme:${sha256}`);
    expect(tokens.tenantOf(token)).toBe('acme');
    expect(tokens.tenantOf(`${token}x`)).toBeUndefined();
    expect(tokens.tenantOf(sha256)).toBeUndefined();
  });

  it('turn SCIM on for the tenants listed only, several tokens per tenant allowed', () => {
    const [a, b, c] = [issueScimToken(), issueScimToken(), issueScimToken()];
    const tokens = ScimTokens.parse(`acme:${a.sha256}, acme:${b.sha256.toUpperCase()},globex:${c.sha256}`);
    expect(tokens.tenantOf(a.token)).toBe('acme');
    expect(tokens.tenantOf(b.token)).toBe('acme');
    expect(tokens.tenantOf(c.token)).toBe('globex');
    expect(tokens.isOn('acme')).toBe(true);
    expect(tokens.isOn('initech')).toBe(false);
    expect(ScimTokens.parse(undefined).isOn('acme')).toBe(false);
  });

  it('refuse a setting that is not tenant:hash', () => {
    expect(() => ScimTokens.parse('acme:not-a-hash')).toThrow(/SCIM_TOKEN_SHA256/);
    expect(() => ScimTokens.parse(`:${'a'.repeat(64)}`)).toThrow(/SCIM_TOKEN_SHA256/);
  });
});
