import { describe, expect, it } from 'vitest';
import { parseFilter } from './scim-filter.js';
import { ScimError } from './scim.errors.js';

const USERS = { userName: ['eq', 'co', 'sw'], externalId: ['eq'], id: ['eq'] } as const;
const GROUPS = { displayName: ['eq'], id: ['eq'] } as const;

const refusal = (filter: string, attributes: Record<string, readonly ('eq' | 'co' | 'sw')[]> = USERS) => {
  try {
    parseFilter(filter, attributes);
  } catch (error) {
    if (error instanceof ScimError) return { status: error.status, scimType: error.scimType };
    throw error;
  }
  return undefined;
};

describe('SCIM filters (RFC 7644 §3.4.2.2), the part Keystream answers', () => {
  it("reads Okta's and Entra ID's lookups: userName eq, externalId eq, displayName eq", () => {
    expect(parseFilter('userName eq "bob@acme.test"', USERS)).toEqual([{ attribute: 'userName', operator: 'eq', value: 'bob@acme.test' }]);
    expect(parseFilter('externalId eq "00u1abcd"', USERS)).toEqual([{ attribute: 'externalId', operator: 'eq', value: '00u1abcd' }]);
    expect(parseFilter('displayName eq "tenant-admin"', GROUPS)).toEqual([{ attribute: 'displayName', operator: 'eq', value: 'tenant-admin' }]);
    expect(parseFilter(undefined, USERS)).toEqual([]);
    expect(parseFilter('  ', USERS)).toEqual([]);
  });

  it('is case-insensitive in attribute names and operators, takes a schema URN prefix, and reads JSON escapes in values', () => {
    expect(parseFilter('USERNAME EQ "A@X"', USERS)).toEqual([{ attribute: 'userName', operator: 'eq', value: 'A@X' }]);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', USERS)).toEqual([{ attribute: 'userName', operator: 'eq', value: 'a' }]);
    expect(parseFilter('userName eq "a\\"b\\u0040x"', USERS)).toEqual([{ attribute: 'userName', operator: 'eq', value: 'a"b@x' }]);
  });

  it('joins comparisons with and, and reads sw and co on userName', () => {
    expect(parseFilter('userName sw "bo" and externalId eq "x" AND userName co "@acme"', USERS)).toEqual([
      { attribute: 'userName', operator: 'sw', value: 'bo' },
      { attribute: 'externalId', operator: 'eq', value: 'x' },
      { attribute: 'userName', operator: 'co', value: '@acme' },
    ]);
  });

  it('refuses everything else with 400 invalidFilter: or, not, parentheses, value paths, pr, other operators and attributes, bare values', () => {
    for (const filter of [
      'userName eq "a" or userName eq "b"',
      'not (userName eq "a")',
      '(userName eq "a")',
      'emails[type eq "work"]',
      'emails.value eq "a@b"',
      'userName pr',
      'userName gt "a"',
      'externalId sw "a"',
      'active eq true',
      'userName eq a',
      'userName eq "a" and',
      'userName eq "unterminated',
      'userName eq "\\x"',
    ]) {
      expect(refusal(filter), filter).toEqual({ status: 400, scimType: 'invalidFilter' });
    }
    expect(refusal('userName eq "a"', GROUPS)).toEqual({ status: 400, scimType: 'invalidFilter' });
    expect(refusal(Array.from({ length: 9 }, () => 'id eq "a"').join(' and '))).toEqual({ status: 400, scimType: 'invalidFilter' });
  });
});
