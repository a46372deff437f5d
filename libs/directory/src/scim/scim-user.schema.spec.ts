import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA, applyUserPatch, parseActive, parsePatch, parseUserResource } from './scim-user.schema.js';

const base = { userName: 'alice@acme.example', active: true, profile: { name: { givenName: 'Alice' } } };
const patch = (...Operations: unknown[]) => parsePatch({ schemas: [PATCH_OP_SCHEMA], Operations });
const scimTypeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { scimType?: string }).scimType;
  }
  return 'no error';
};

describe('the SCIM User schema as Keystream reads it', () => {
  it('reads active as Okta (booleans) and Entra ID (the strings "True"/"False") send it, and nothing else', () => {
    expect(parseActive(false)).toBe(false);
    expect(parseActive('False')).toBe(false);
    expect(parseActive('TRUE')).toBe(true);
    expect(scimTypeOf(() => parseActive('no'))).toBe('invalidValue');
    expect(scimTypeOf(() => parseActive(0))).toBe('invalidValue');
  });

  it('keeps the core and enterprise attributes, drops unknown and read-only ones, and never a password', () => {
    const parsed = parseUserResource({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: 'client-chosen',
      meta: { resourceType: 'User' },
      userName: ' alice@acme.example ',
      password: 'p4ss',
      shoeSize: 42,
      displayName: 'Alice',
      [ENTERPRISE_USER_SCHEMA]: { department: 'R&D', favouriteTool: 'vim' },
    });
    expect(parsed).toEqual({ userName: 'alice@acme.example', externalId: undefined, active: true, profile: { displayName: 'Alice', [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' } } });
  });

  it('applies path-less value objects, dotted keys and filtered paths', () => {
    const next = applyUserPatch(base, patch({ op: 'replace', value: { active: 'False', 'name.familyName': 'Liddell', emails: [{ type: 'work', value: 'a@x' }] } }, { op: 'Add', path: 'emails[type eq "home"].value', value: 'a@home' }));
    expect(next.active).toBe(false);
    expect(next.profile).toEqual({ name: { givenName: 'Alice', familyName: 'Liddell' }, emails: [{ type: 'work', value: 'a@x' }, { type: 'home', value: 'a@home' }] });
    const removed = applyUserPatch(next, patch({ op: 'remove', path: 'emails[type eq "work"]' }, { op: 'remove', path: 'name.givenName' }));
    expect(removed.profile).toEqual({ name: { familyName: 'Liddell' }, emails: [{ type: 'home', value: 'a@home' }] });
  });

  it('refuses paths outside the schema (invalidPath), required attributes removed, and malformed messages', () => {
    expect(scimTypeOf(() => applyUserPatch(base, patch({ op: 'replace', path: 'shoeSize', value: 42 })))).toBe('invalidPath');
    expect(scimTypeOf(() => applyUserPatch(base, patch({ op: 'replace', path: 'name[', value: 1 })))).toBe('invalidPath');
    expect(scimTypeOf(() => applyUserPatch(base, patch({ op: 'replace', path: 'emails[type eq "\\q"].value', value: 'a@b.example' })))).toBe('invalidPath');
    expect(scimTypeOf(() => applyUserPatch(base, patch({ op: 'replace', path: 'emails[type eq "\\u12"].value', value: 'a@b.example' })))).toBe('invalidPath');
    expect(scimTypeOf(() => applyUserPatch(base, patch({ op: 'remove', path: 'userName' })))).toBe('invalidValue');
    expect(scimTypeOf(() => patch({ op: 'remove' }))).toBe('noTarget');
    expect(scimTypeOf(() => patch({ op: 'copy', path: 'active', value: true }))).toBe('invalidSyntax');
    expect(scimTypeOf(() => parsePatch({ Operations: [{ op: 'add', value: {} }] }))).toBe('invalidSyntax');
  });
});
