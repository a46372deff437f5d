import { describe, expect, it } from 'vitest';
import { READ_MODELS, actor, asKey, createBody, randomId, useApp, waitUntil } from './harness.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, expectScimError, scim, scimEnv, scimTenant } from './support/scim.js';

/**
 * A SCIM conformance run: the request sequences the two provisioning clients Keystream's users have
 * send, in the shapes their own documentation gives, written out here request by request:
 * - Okta, "SCIM 2.0 reference" (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20): find by
 *   userName, create (with a password, groups and Okta's externalId), replace with the whole resource,
 *   deactivate with a path-less `replace` value object, group push (create, add members, remove a
 *   member by filtered path, rename-less replace).
 * - Microsoft Entra ID, "Tutorial: develop and plan provisioning for a SCIM endpoint" and its
 *   request/response examples (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups):
 *   a probe filter for a random userName, create with the enterprise extension, PATCH with `Replace`
 *   (capitalised), filtered paths and the enterprise URN path, disable with `"active": "False"` (the
 *   string Entra sends without the aadOptscim062020 flag), group lookup with excludedAttributes,
 *   `Add`/`Remove` members with value lists, and DELETE.
 */
describe.each(READ_MODELS)('SCIM conformance: Okta and Entra ID request shapes (%s read model)', (kind) => {
  const idp = scimTenant(`conformance-${kind}`);
  const h = useApp(kind, scimEnv(idp));
  const send = (method: string, url: string, body?: unknown) => scim(h.current, idp, method, url, body);

  it('Okta: provisioning, profile update, group push and deactivation', async () => {
    const userName = `${randomId('test.user')}@okta.local`;
    // 1. Does the user exist?
    const lookup = await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`);
    expect(lookup.status).toBe(200);
    expect(lookup.json).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    // 2. Create, as Okta sends it.
    const created = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA],
      userName,
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ userName, externalId: '00ujl29u0le5T6Aj10h7', displayName: 'Test User', locale: 'en-US', active: true });
    expect(created.json).not.toHaveProperty('password');
    // 3. Retrieve, then a profile update: PUT with the whole resource Okta holds (id and meta included).
    const fetched = await send('GET', `/scim/v2/Users/${id}`);
    expect(fetched.json.id).toBe(id);
    const replaced = await send('PUT', `/scim/v2/Users/${id}`, { ...fetched.json, name: { givenName: 'Another', familyName: 'User' }, displayName: 'Another User' });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json).toMatchObject({ id, displayName: 'Another User', name: { givenName: 'Another' }, active: true });
    // 4. Group push: create (link) the group, add the member, Okta's id/displayName replace, remove by filtered path.
    const group = await send('POST', '/scim/v2/Groups', { schemas: [GROUP_SCHEMA], displayName: 'tenant-admin', members: [] });
    expect(group.status, group.text).toBe(201);
    const groupId = group.json.id as string;
    const added = await send('PATCH', `/scim/v2/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: userName }] }] });
    expect(added.status, added.text).toBe(200);
    expect(added.json.members).toEqual([expect.objectContaining({ value: id, display: userName })]);
    const renamed = await send('PATCH', `/scim/v2/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'tenant-admin' } }] });
    expect(renamed.status, renamed.text).toBe(200);
    const removed = await send('PATCH', `/scim/v2/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });
    expect(removed.json.members).toEqual([]);
    // 5. Deactivation: a path-less replace. The user's key stops working.
    const user = await actor(idp.tenant, { userId: userName });
    const key = await h.current.createKey(user.headers, createBody('okta-user-key'));
    const deactivated = await send('PATCH', `/scim/v2/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(deactivated.status, deactivated.text).toBe(200);
    expect(deactivated.json.active).toBe(false);
    await waitUntil(async () => (await h.current.call('GET', '/v1/apiKeys', { headers: asKey(key.apiKey) })).status === 401, 10_000, 'the key to be revoked');
  });

  it('Entra ID: probe, create with the enterprise extension, attribute PATCHes, group membership, disable with "False", delete', async () => {
    // 1. The probe Entra sends with a random userName: an empty list, not an error.
    const probe = await send('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"')}`);
    expect(probe.status).toBe(200);
    expect(probe.json.totalResults).toBe(0);
    // 2. Create.
    const userName = `Test_User_${randomId('entra')}@testuser.com`;
    const created = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE_SCHEMA]: { department: 'Engineering', employeeNumber: '42' },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    expect(created.json.schemas).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
    expect(created.json[ENTERPRISE_SCHEMA]).toEqual({ department: 'Engineering', employeeNumber: '42' });
    // 3. Attribute updates as Entra sends them: capitalised ops, a filtered path with Add, the enterprise URN path, a path-less value object with dotted keys.
    const patched = await send('PATCH', `/scim/v2/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Add', path: 'emails[type eq "home"].value', value: 'home@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: `${ENTERPRISE_SCHEMA}:manager`, value: 'manager-id-1' },
        { op: 'Replace', value: { displayName: 'Updated Name', 'name.givenName': 'updatedGivenName' } },
      ],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.emails).toEqual([
      { primary: true, type: 'work', value: 'updatedEmail@microsoft.com' },
      { type: 'home', value: 'home@example.com' },
    ]);
    expect(patched.json.name).toMatchObject({ familyName: 'updatedFamilyName', givenName: 'updatedGivenName' });
    expect(patched.json.displayName).toBe('Updated Name');
    expect(patched.json[ENTERPRISE_SCHEMA]).toMatchObject({ department: 'Engineering', manager: 'manager-id-1' });
    // 4. Groups: looked up without members, then Add and Remove with value lists.
    const groups = await send('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "tenant-admin"')}`);
    expect(groups.json.totalResults).toBe(1);
    const groupId = groups.json.Resources[0].id as string;
    const add = await send('PATCH', `/scim/v2/Groups/${groupId}`, { Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }], schemas: [PATCH_SCHEMA] });
    expect(add.status, add.text).toBe(200);
    expect(add.json.members.map((member: { value: string }) => member.value)).toContain(id);
    const remove = await send('PATCH', `/scim/v2/Groups/${groupId}`, { Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }], schemas: [PATCH_SCHEMA] });
    expect(remove.json.members.map((member: { value: string }) => member.value)).not.toContain(id);
    // 5. Disable with the string "False", then delete.
    const user = await actor(idp.tenant, { userId: userName });
    const key = await h.current.createKey(user.headers, createBody('entra-user-key'));
    const disabled = await send('PATCH', `/scim/v2/Users/${id}`, { Operations: [{ op: 'Replace', path: 'active', value: 'False' }], schemas: [PATCH_SCHEMA] });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.json.active).toBe(false);
    await waitUntil(async () => (await h.current.call('GET', '/v1/apiKeys', { headers: asKey(key.apiKey) })).status === 401, 10_000, 'the key to be revoked');
    expect((await send('DELETE', `/scim/v2/Users/${id}`)).status).toBe(204);
    expectScimError(await send('GET', `/scim/v2/Users/${id}`), 404);
  });

  it('both: discovery (RFC 7644 §4) says what Keystream supports, behind the bearer token; a filter on it is refused with 403', async () => {
    const config = await send('GET', '/scim/v2/ServiceProviderConfig');
    expect(config.status, config.text).toBe(200);
    expect(String(config.headers['content-type'])).toContain('application/scim+json');
    expect(config.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
    });
    const types = await send('GET', '/scim/v2/ResourceTypes');
    expect(types.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2 });
    expect(types.json.Resources.map((type: { id: string; endpoint: string }) => [type.id, type.endpoint])).toEqual([['User', '/Users'], ['Group', '/Groups']]);
    expect((await send('GET', '/scim/v2/ResourceTypes/User')).json).toMatchObject({ id: 'User', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }] });
    const schemas = await send('GET', '/scim/v2/Schemas');
    expect(schemas.json.Resources.map((schema: { id: string }) => schema.id)).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA]);
    const user = await send('GET', `/scim/v2/Schemas/${USER_SCHEMA}`);
    expect(user.status, user.text).toBe(200);
    expect(user.json.attributes.find((attribute: { name: string }) => attribute.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server' });
    expectScimError(await send('GET', '/scim/v2/Schemas/urn:example:unknown'), 404);
    expectScimError(await send('GET', '/scim/v2/ResourceTypes/Device'), 404);
    expectScimError(await send('GET', `/scim/v2/Schemas?filter=${encodeURIComponent('id eq "x"')}`), 403);
    expectScimError(await h.current.call('GET', '/scim/v2/ServiceProviderConfig', { headers: { accept: 'application/scim+json' } }), 401);
  });

  it('both: the filters Okta and Entra ID send find users and the group; and, sw and co narrow; anything else is 400 invalidFilter', async () => {
    const tag = randomId('flt').toLowerCase();
    const okta = `${tag}.okta@example.com`;
    const entra = `${tag}.entra@example.com`;
    await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: okta, externalId: '00u-okta-1', active: true });
    await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: entra, externalId: `${tag}-entra-object-id`, active: true });
    const find = async (filter: string, extra = '') => {
      const response = await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}${extra}`);
      expect(response.status, response.text).toBe(200);
      return (response.json.Resources as { userName: string }[]).map((user) => user.userName).sort();
    };
    // Okta: userName eq with startIndex and count; userName is caseExact false.
    expect(await find(`userName eq "${okta.toUpperCase()}"`, '&startIndex=1&count=100')).toEqual([okta]);
    // Entra ID: externalId eq (its default matching attribute for some apps), userName eq.
    expect(await find(`externalId eq "${tag}-entra-object-id"`)).toEqual([entra]);
    expect(await find(`userName eq "${entra}"`)).toEqual([entra]);
    // and, sw and co (an admin's search); % and _ are literal, not wildcards.
    expect(await find(`userName sw "${tag}."`)).toEqual([entra, okta]);
    expect(await find(`userName co ".ENTRA@"`)).toEqual([entra]);
    expect(await find(`userName sw "${tag}" and externalId eq "00u-okta-1"`)).toEqual([okta]);
    expect(await find(`userName sw "${tag}" and userName eq "${entra}" and externalId eq "00u-okta-1"`)).toEqual([]);
    expect(await find(`userName sw "${tag.slice(0, 2)}_"`)).toEqual([]);
    expect(await find('userName co "%"')).toEqual([]);
    // Groups, as both look the group up.
    const group = await send('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "tenant-admin"')}&startIndex=1&count=100`);
    expect(group.json.totalResults).toBe(1);
    const other = await send('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`);
    expect(other.json).toMatchObject({ totalResults: 0, Resources: [] });
    for (const filter of [`userName eq "${okta}" or userName eq "${entra}"`, 'emails[type eq "work" and value co "@example.com"]', 'userName pr', 'meta.lastModified gt "2011-05-13T04:42:34Z"', 'displayName eq "x"']) {
      expectScimError(await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    }
    expectScimError(await send('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName co "admin"')}`), 400, 'invalidFilter');
  });

  it('both: application/json bodies are accepted as well as application/scim+json', async () => {
    const response = await h.current.call('POST', '/scim/v2/Users', {
      headers: { authorization: `Bearer ${idp.token}`, 'content-type': 'application/json' },
      body: { schemas: [USER_SCHEMA], userName: `${randomId('json')}@example.com` },
    });
    expect(response.status, response.text).toBe(201);
    expect(String(response.headers['content-type'])).toContain('application/scim+json');
  });
});
