import { describe, expect, it } from 'vitest';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { resolveCredentials } from './credentials.js';

const caller = (via: 'apiKey' | 'jwt', value: string): AuthenticatedCaller => ({ kind: 'user', tenantId: 't', userId: value, isTenantAdmin: false, via });
const apiKeys = { authenticate: async (value: string) => caller('apiKey', value) };
const jwt = { verify: async (token: string) => caller('jwt', token) };
const resolve = async (headers: Record<string, string | string[]>, keyInAuthorization = true) => {
  const found = await resolveCredentials(headers, apiKeys, jwt, { keyInAuthorization });
  return found && `${found.via}:${found.userId}`;
};

describe('resolveCredentials (the guard and forward-auth read credentials with it)', () => {
  it('takes apiKey first, trimmed, and never falls back to Authorization when apiKey is present', async () => {
    expect(await resolve({ apikey: ' ks_a ' })).toBe('apiKey:ks_a');
    expect(await resolve({ apikey: '  ', authorization: 'good.jwt' })).toBeUndefined();
    expect(await resolve({ apikey: ['ks_a', 'ks_b'] })).toBeUndefined();
  });

  it('reads Authorization raw or as Bearer: for forward-auth a ks_ value is a key, anything else a JWT', async () => {
    expect(await resolve({ authorization: 'Bearer ks_a' })).toBe('apiKey:ks_a');
    expect(await resolve({ authorization: 'ks_a' })).toBe('apiKey:ks_a');
    expect(await resolve({ authorization: 'bearer  a.b.c' })).toBe('jwt:a.b.c');
    expect(await resolve({ authorization: 'a.b.c' })).toBe('jwt:a.b.c');
    expect(await resolve({ authorization: 'Bearer ' })).toBeUndefined();
    expect(await resolve({})).toBeUndefined();
  });

  it('on the management API checks a ks_ value in Authorization as a token (and so refuses it)', async () => {
    expect(await resolve({ authorization: 'Bearer ks_a' }, false)).toBe('jwt:ks_a');
    expect(await resolve({ apikey: 'ks_a' }, false)).toBe('apiKey:ks_a');
  });
});
