import { describe, expect, it } from 'vitest';
import type { AuthenticatedCaller } from '@keystream/tenancy';
import type { DirectoryUserQueries } from '../views/directory-users/directory-users.queries.js';
import type { DirectoryUserRow } from '../views/directory-users/directory-user.row.js';
import { ScimTokens } from '../scim/scim-tokens.js';
import { DirectoryStanding, governed } from './directory-standing.js';

const caller = (isTenantAdmin: boolean, tenantId = 'acme'): AuthenticatedCaller => ({ kind: 'user', tenantId, userId: 'alice@acme.example', isTenantAdmin, via: 'apiKey', keyId: 'k1' });

describe("a caller's power is min(the credential's role, the directory's current role)", () => {
  it.each([
    // credential admin, directory admin -> admin
    [true, { kind: 'active', isTenantAdmin: true } as const, true],
    // credential admin, directory plain -> plain (an admin who lost the role)
    [true, { kind: 'active', isTenantAdmin: false } as const, false],
    // credential plain, directory admin -> plain (a user who gained the role gains no admin keys)
    [false, { kind: 'active', isTenantAdmin: true } as const, false],
    [false, { kind: 'active', isTenantAdmin: false } as const, false],
    // unknown to the directory: never admin
    [true, { kind: 'unknown' } as const, false],
  ])('credential admin %s, directory %o -> admin %s', (claimed, standing, expected) => {
    expect(governed(caller(claimed), standing)?.isTenantAdmin).toBe(expected);
  });

  it('refuses a user the directory deactivated or deleted', () => {
    expect(governed(caller(true), { kind: 'inactive' })).toBeUndefined();
    expect(governed(caller(false), { kind: 'inactive' })).toBeUndefined();
  });

  it('looks nothing up for a tenant without SCIM, and reads deleted rows as inactive', async () => {
    const asked: string[] = [];
    const row = (overrides: Partial<DirectoryUserRow>): DirectoryUserRow => ({
      tenantId: 'acme', userId: 'u1', userName: 'alice@acme.example', active: true, isTenantAdmin: true, deleted: false, profile: {}, createdAt: '', updatedAt: '', revision: 0, ...overrides,
    });
    let rows: DirectoryUserRow[] = [row({ deleted: true, active: false })];
    const users = { findByUserName: async (tenantId: string) => (asked.push(tenantId), rows) } as unknown as DirectoryUserQueries;
    const standing = new DirectoryStanding(ScimTokens.parse(`acme:${'a'.repeat(64)}`), users);

    const other = caller(true, 'globex');
    expect(await standing.govern(other)).toBe(other);
    expect(asked).toEqual([]);
    expect(await standing.govern(caller(true))).toBeUndefined();
    // A user re-provisioned under the same name: the live row wins over the old tombstone.
    rows = [row({ deleted: true, active: false }), row({ userId: 'u2', isTenantAdmin: false })];
    standing.forget('acme');
    expect(await standing.govern(caller(true))).toMatchObject({ isTenantAdmin: false });
  });
});
