import { describe, expect, it } from 'vitest';
import { READ_MODELS, actor, asKey, createBody, expectProblem, randomId, useApp, waitUntil } from './harness.js';
import { type ScimTenant, expectScimError, patchOps, provision, scim, scimEnv, scimTenant, userBody } from './support/scim.js';

/**
 * SCIM 2.0 over HTTP, end to end: the endpoints and their refusals, the directory's role check on
 * every credential, offboarding, and the admins' revoke-all. Tenants `acme` and `globex` have SCIM
 * on (a token each); any other tenant has not.
 */
describe.each(READ_MODELS)('SCIM directory (%s read model)', (kind) => {
  const acme = scimTenant(`acme-${kind}`);
  const globex = scimTenant(`globex-${kind}`);
  const h = useApp(kind, scimEnv(acme, globex));
  const keyEvents = async (keyId: string) => (await h.current.eventStore().readStream(`apikey-${keyId}`)).map((event) => ({ type: event.type, data: event.data as Record<string, unknown> }));
  const listed = async (headers: Record<string, string>) => (await h.current.listAll(headers)).items.map((item) => item.metadata.uid).sort();
  const refusedSoon = (apiKey: string) =>
    waitUntil(async () => (await h.current.call('GET', '/v1/apiKeys', { headers: asKey(apiKey) })).status === 401, 10_000, 'the key to be refused');

  describe('authentication', () => {
    it('refuses a missing or unknown bearer token with a SCIM 401', async () => {
      expectScimError(await h.current.call('GET', '/scim/v2/Users'), 401);
      expectScimError(await scim(h.current, { tenant: acme.tenant, token: 'kscim_wrong' }, 'GET', '/scim/v2/Users'), 401);
      // A Keystream JWT is not a SCIM token.
      const admin = await actor(acme.tenant, { admin: true });
      expectScimError(await h.current.call('GET', '/scim/v2/Users', { headers: admin.headers }), 401);
    });

    it("keeps tenants apart: one tenant's token never finds another's users", async () => {
      const id = await provision(h.current, acme, `${randomId('iso')}@acme.example`);
      expectScimError(await scim(h.current, globex, 'GET', `/scim/v2/Users/${id}`), 404);
      expectScimError(await scim(h.current, globex, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', value: { active: false } })), 404);
      expect((await scim(h.current, acme, 'GET', `/scim/v2/Users/${id}`)).json.active).toBe(true);
    });
  });

  describe('Users', () => {
    it('creates, reads, finds by userName (any case), replaces and deletes a user', async () => {
      const userName = `${randomId('crud')}@acme.example`;
      const created = await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody(userName, { externalId: 'ext-1' }));
      expect(created.status, created.text).toBe(201);
      expect(String(created.headers['content-type'])).toContain('application/scim+json');
      expect(created.headers.location).toBe(`/scim/v2/Users/${created.json.id}`);
      expect(created.json).toMatchObject({ userName, externalId: 'ext-1', active: true, name: { givenName: 'Given' }, meta: { resourceType: 'User' } });

      const found = await scim(h.current, acme, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`);
      expect(found.json).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(found.json.Resources[0].id).toBe(created.json.id);

      const replaced = await scim(h.current, acme, 'PUT', `/scim/v2/Users/${created.json.id}`, userBody(userName, { name: { givenName: 'New' }, externalId: 'ext-1' }));
      expect(replaced.status, replaced.text).toBe(200);
      expect(replaced.json.name).toEqual({ givenName: 'New' });

      const deleted = await scim(h.current, acme, 'DELETE', `/scim/v2/Users/${created.json.id}`);
      expect(deleted.status).toBe(204);
      expectScimError(await scim(h.current, acme, 'GET', `/scim/v2/Users/${created.json.id}`), 404);
    });

    it('refuses a second user with the same userName (409 uniqueness), whatever its case', async () => {
      const userName = `${randomId('dup')}@acme.example`;
      await provision(h.current, acme, userName);
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody(userName.toUpperCase())), 409, 'uniqueness');
    });

    it('refuses bodies that break the schema, and writes nothing', async () => {
      const before = await h.current.head();
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }), 400, 'invalidValue');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', { userName: 'no-schemas@acme.example' }), 400, 'invalidSyntax');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody('bad-active@acme.example', { active: 'maybe' })), 400, 'invalidValue');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody('control\u0001@acme.example')), 400, 'invalidValue');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', '[1,2]'), 400, 'invalidSyntax');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', '{"schemas":'), 400, 'invalidSyntax');
      expectScimError(await scim(h.current, acme, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('title co "x"')}`), 400, 'invalidFilter');
      expectScimError(await scim(h.current, acme, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('nickName eq "x"')}`), 400, 'invalidFilter');
      expect(await h.current.head()).toBe(before);
    });

    it('answers a NUL or other control character in a filter value or a resource id as bad input, never as a store error', async () => {
      // JSON's escapes make \u0000 a real NUL, which PostgreSQL refuses to compare (SQLSTATE 22021).
      for (const filter of ['userName eq "a\\u0000b"', 'userName co "a\\u0000"', 'externalId eq "\\u0001"', 'id eq "x\\u007f"']) {
        expectScimError(await scim(h.current, acme, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
      }
      expectScimError(await scim(h.current, acme, 'GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "a\\u0000"')}`), 400, 'invalidFilter');
      for (const path of ['/scim/v2/Users/a%00b', '/scim/v2/Groups/a%00b']) {
        const response = await scim(h.current, acme, 'GET', path);
        expect(response.status, `${path}: ${response.text}`).toBe(404);
      }
      const patched = await scim(h.current, acme, 'PATCH', '/scim/v2/Users/a%00b', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
      expect(patched.status, patched.text).toBe(404);
      expect((await scim(h.current, acme, 'DELETE', '/scim/v2/Users/a%00b')).status).toBe(404);
    });

    it('ignores attributes outside the schema on create (RFC 7644 §3.3) and keeps no password', async () => {
      const created = await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody(`${randomId('unknown')}@acme.example`, { favouriteColour: 'blue', password: 'Secr3t!', 'urn:example:custom:1.0:User': { x: 1 } }));
      expect(created.status, created.text).toBe(201);
      expect(created.json).not.toHaveProperty('favouriteColour');
      expect(created.json).not.toHaveProperty('password');
      expect(created.text).not.toContain('Secr3t!');
      const stored = await h.current.eventStore().readStream(`scim-user-${acme.tenant}-${created.json.id}`);
      expect(JSON.stringify(stored.map((event) => event.data))).not.toContain('Secr3t!');
    });

    it('refuses a PATCH whose path names no attribute of the schema (400 invalidPath), and writes nothing', async () => {
      const id = await provision(h.current, acme, `${randomId('path')}@acme.example`);
      const before = await h.current.head();
      expectScimError(await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'favouriteColour', value: 'blue' })), 400, 'invalidPath');
      expectScimError(await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'active', value: 'perhaps' })), 400, 'invalidValue');
      expectScimError(await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'move', path: 'active', value: false })), 400, 'invalidSyntax');
      expectScimError(await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, { Operations: [{ op: 'replace', value: { active: false } }] }), 400, 'invalidSyntax');
      expect(await h.current.head()).toBe(before);
    });
  });

  describe('offboarding: a user deactivated or deleted in the directory has every key revoked', () => {
    const offboardingCase = (name: string, offboard: (id: string) => Promise<void>) =>
      it(name, async () => {
        const userName = `${randomId('leaver')}@acme.example`;
        const id = await provision(h.current, acme, userName);
        const leaver = await actor(acme.tenant, { userId: userName });
        const keys = [await h.current.createKey(leaver.headers, createBody('one')), await h.current.createKey(leaver.headers, createBody('two'))];
        const stayer = await actor(acme.tenant, { userId: await provisionName(acme) });
        const kept = await h.current.createKey(stayer.headers, createBody('kept'));

        await offboard(id);
        // The keys are refused at once (their owner is deactivated); the revocations come from the
        // offboarding processor, so wait for those, not for the 401.
        for (const key of keys) await refusedSoon(key.apiKey);
        for (const key of keys) {
          await waitUntil(async () => (await keyEvents(key.uid)).some((event) => event.type === 'KeyRevoked'), 10_000, 'the offboarding processor to revoke the key');
        }
        for (const key of keys) {
          const revocations = (await keyEvents(key.uid)).filter((event) => event.type === 'KeyRevoked');
          expect(revocations).toHaveLength(1);
          expect(revocations[0]!.data).toMatchObject({ reason: 'owner-deactivated', ownerId: userName });
        }
        // The user's own sign-in is refused too, and nobody else's key is touched.
        expectProblem(await h.current.call('GET', '/v1/apiKeys', { headers: leaver.headers }), 401, 'Unauthorized');
        expect((await h.current.call('GET', '/v1/apiKeys', { headers: asKey(kept.apiKey) })).status).toBe(200);
      });

    const provisionName = async (tenant: ScimTenant) => {
      const userName = `${randomId('stayer')}@acme.example`;
      await provision(h.current, tenant, userName);
      return userName;
    };

    offboardingCase("by Entra ID's PATCH (path active, the string \"False\")", async (id) => {
      const response = await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'Replace', path: 'active', value: 'False' }));
      expect(response.status, response.text).toBe(200);
      expect(response.json.active).toBe(false);
    });
    offboardingCase("by Okta's PATCH (a path-less value object)", async (id) => {
      const response = await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', value: { active: false } }));
      expect(response.status, response.text).toBe(200);
    });
    offboardingCase('by PUT with active false', async (id) => {
      const current = await scim(h.current, acme, 'GET', `/scim/v2/Users/${id}`);
      const response = await scim(h.current, acme, 'PUT', `/scim/v2/Users/${id}`, userBody(current.json.userName, { active: false }));
      expect(response.status, response.text).toBe(200);
    });
    offboardingCase('by DELETE', async (id) => {
      expect((await scim(h.current, acme, 'DELETE', `/scim/v2/Users/${id}`)).status).toBe(204);
    });

    it('a rename ends access for the former user name: its keys are revoked, and no other user can take the name', async () => {
      const formerName = `${randomId('renamed')}@acme.example`;
      const newName = `${randomId('renamed-to')}@acme.example`;
      const id = await provision(h.current, acme, formerName);
      const before = await actor(acme.tenant, { userId: formerName });
      const key = await h.current.createKey(before.headers, createBody('made-before-rename'));

      const renamed = await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'userName', value: newName }));
      expect(renamed.status, renamed.text).toBe(200);
      // The former name is a tombstone: refused at once, and the processor revokes the keys made under it.
      await refusedSoon(key.apiKey);
      expectProblem(await h.current.call('GET', '/v1/apiKeys', { headers: before.headers }), 401, 'Unauthorized');
      await waitUntil(async () => (await keyEvents(key.uid)).some((event) => event.type === 'KeyRevoked'), 10_000, 'the offboarding processor to revoke the key');
      const revocations = (await keyEvents(key.uid)).filter((event) => event.type === 'KeyRevoked');
      expect(revocations).toHaveLength(1);
      expect(revocations[0]!.data).toMatchObject({ reason: 'owner-deactivated', ownerId: formerName });
      // Nobody else can be provisioned under the former name (it owned keys), in any case, nor renamed to it.
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody(formerName)), 409, 'uniqueness');
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Users', userBody(formerName.toUpperCase())), 409, 'uniqueness');
      const otherId = await provision(h.current, acme, `${randomId('other')}@acme.example`);
      expectScimError(await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${otherId}`, patchOps({ op: 'replace', path: 'userName', value: formerName })), 409, 'uniqueness');
      // The user signs in under the new name; their key made before stays revoked.
      const after = await actor(acme.tenant, { userId: newName });
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: after.headers })).status).toBe(200);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: asKey(key.apiKey) })).status).toBe(401);
      // The same user may take their own former name back.
      const back = await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'userName', value: formerName }));
      expect(back.status, back.text).toBe(200);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: before.headers })).status).toBe(200);
    });

    it('a reactivated user signs in again, but their revoked keys stay revoked', async () => {
      const userName = `${randomId('back')}@acme.example`;
      const id = await provision(h.current, acme, userName);
      const user = await actor(acme.tenant, { userId: userName });
      const key = await h.current.createKey(user.headers, createBody('old'));
      await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'active', value: false }));
      await refusedSoon(key.apiKey);
      await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${id}`, patchOps({ op: 'replace', path: 'active', value: true }));
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: user.headers })).status).toBe(200);
      expect((await h.current.call('GET', '/v1/apiKeys', { headers: asKey(key.apiKey) })).status).toBe(401);
    });
  });

  describe('role changes: a key acts with min(its role at creation, its owner’s current role)', () => {
    const setAdmin = async (id: string, add: boolean) => {
      const operation = add ? { op: 'add', path: 'members', value: [{ value: id }] } : { op: 'remove', path: `members[value eq "${id}"]` };
      const response = await scim(h.current, acme, 'PATCH', '/scim/v2/Groups/tenant-admin', patchOps(operation));
      expect(response.status, response.text).toBe(200);
      return response;
    };

    it('an admin removed from the tenant-admin group keeps their keys, which now act as a plain user; added back, they act as admin again', async () => {
      const adminName = `${randomId('boss')}@acme.example`;
      const adminId = await provision(h.current, acme, adminName);
      const added = await setAdmin(adminId, true);
      expect(added.json.members.map((member: { value: string }) => member.value)).toContain(adminId);
      const admin = await actor(acme.tenant, { admin: true, userId: adminName });
      const adminKey = await h.current.createKey(admin.headers, createBody('admin-key'));
      const other = await actor(acme.tenant, { userId: `${randomId('other')}@acme.example` });
      const othersKey = await h.current.createKey(other.headers, createBody('other-key'));

      expect(await listed(asKey(adminKey.apiKey))).toContain(othersKey.uid);
      await setAdmin(adminId, false);
      // Still valid, but a plain user's: only their own keys, and no creating for others.
      expect(await listed(asKey(adminKey.apiKey))).toEqual([adminKey.uid]);
      expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: asKey(adminKey.apiKey), body: createBody('for-other', { userUid: other.userId }) }), 403, 'Forbidden');
      // The token still claims tenant-admin; the directory caps it.
      expect(await listed(admin.headers)).toEqual([adminKey.uid]);
      // And says so where the console asks (user info's `role`, a Keystream extension).
      expect((await h.current.call('GET', '/v1/users/info', { headers: admin.headers })).json.role).toBe('user');
      const verify = await h.current.call('GET', '/v1/auth/verify', { headers: asKey(adminKey.apiKey) });
      expect(verify.headers['x-keystream-scope']).toBe('user');

      await setAdmin(adminId, true);
      expect(await listed(asKey(adminKey.apiKey))).toContain(othersKey.uid);
      expect((await h.current.call('GET', '/v1/users/info', { headers: asKey(adminKey.apiKey) })).json.role).toBe('tenant-admin');
    });

    it('POST /v1/apiKeys/verify follows the directory: the scope is capped by the owner\'s role, and a deactivated owner\'s key is OWNER_DEACTIVATED', async () => {
      const checkerName = `${randomId('checker')}@acme.example`;
      await provision(h.current, acme, checkerName);
      const checker = await actor(acme.tenant, { userId: checkerName });
      const verify = async (apiKey: string) => {
        const response = await h.current.call('POST', '/v1/apiKeys/verify', { headers: checker.headers, body: { key: apiKey } });
        expect(response.status, response.text).toBe(200);
        return response.json as { valid: boolean; code: string; scope?: string; ownerUid?: string };
      };
      const adminName = `${randomId('verified-boss')}@acme.example`;
      const adminId = await provision(h.current, acme, adminName);
      await setAdmin(adminId, true);
      const admin = await actor(acme.tenant, { admin: true, userId: adminName });
      const adminKey = await h.current.createKey(admin.headers, createBody('admin-key'));
      expect(await verify(adminKey.apiKey)).toMatchObject({ valid: true, code: 'VALID', scope: 'tenant', ownerUid: adminName });
      await setAdmin(adminId, false);
      expect(await verify(adminKey.apiKey)).toMatchObject({ valid: true, code: 'VALID', scope: 'user' });

      // A key made for a user after the directory deactivated them (the offboarding processor has
      // already passed that event, so nothing revokes it): valid in the key's own view, refused by the directory.
      const leaverName = `${randomId('verified-leaver')}@acme.example`;
      const leaverId = await provision(h.current, acme, leaverName);
      const leaver = await actor(acme.tenant, { userId: leaverName });
      const sentinel = await h.current.createKey(leaver.headers, createBody('sentinel'));
      await scim(h.current, acme, 'PATCH', `/scim/v2/Users/${leaverId}`, patchOps({ op: 'replace', path: 'active', value: false }));
      await waitUntil(async () => (await keyEvents(sentinel.uid)).some((event) => event.type === 'KeyRevoked'), 10_000, 'the offboarding processor to pass the deactivation');
      await setAdmin(adminId, true);
      const madeAfter = await h.current.createKey(admin.headers, createBody('for-the-leaver', { userUid: leaverName }));
      expect((await keyEvents(madeAfter.uid)).some((event) => event.type === 'KeyRevoked')).toBe(false);
      expect(await verify(madeAfter.apiKey)).toMatchObject({ valid: false, code: 'OWNER_DEACTIVATED', ownerUid: leaverName });
    });

    it('a user who gains the tenant-admin role does not silently gain admin keys', async () => {
      const userName = `${randomId('promoted')}@acme.example`;
      const id = await provision(h.current, acme, userName);
      const asUser = await actor(acme.tenant, { userId: userName });
      const userKey = await h.current.createKey(asUser.headers, createBody('plain-key'));
      const other = await actor(acme.tenant, { userId: `${randomId('other')}@acme.example` });
      const othersKey = await h.current.createKey(other.headers, createBody('other-key'));

      await setAdmin(id, true);
      expect(await listed(asKey(userKey.apiKey))).toEqual([userKey.uid]);
      // A token that says tenant-admin now acts as one, and a key made with it carries the role.
      const asAdmin = await actor(acme.tenant, { admin: true, userId: userName });
      expect(await listed(asAdmin.headers)).toContain(othersKey.uid);
    });

    it('with SCIM on, a token claiming tenant-admin for a user the directory does not know acts as a plain user', async () => {
      const stranger = await actor(acme.tenant, { admin: true, userId: `${randomId('stranger')}@acme.example` });
      const own = await h.current.createKey(stranger.headers, createBody('own'));
      expect(await listed(stranger.headers)).toEqual([own.uid]);
    });

    it('without SCIM for the tenant, JWT sign-ins and their roles work as before', async () => {
      const tenant = randomId('no-scim');
      const admin = await actor(tenant, { admin: true });
      const user = await actor(tenant);
      const usersKey = await h.current.createKey(user.headers, createBody('k'));
      expect(await listed(admin.headers)).toEqual([usersKey.uid]);
    });

    it('Groups: only tenant-admin exists; unknown members are refused without a partial write', async () => {
      const list = await scim(h.current, acme, 'GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "tenant-admin"')}&excludedAttributes=members`);
      expect(list.json).toMatchObject({ totalResults: 1, Resources: [{ id: 'tenant-admin', displayName: 'tenant-admin' }] });
      expect(list.json.Resources[0]).not.toHaveProperty('members');
      expect((await scim(h.current, acme, 'GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`)).json.totalResults).toBe(0);
      expectScimError(await scim(h.current, acme, 'GET', '/scim/v2/Groups/engineering'), 404);
      expectScimError(await scim(h.current, acme, 'POST', '/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering' }), 400, 'invalidValue');

      const id = await provision(h.current, acme, `${randomId('member')}@acme.example`);
      const before = await h.current.head();
      const response = await scim(h.current, acme, 'PATCH', '/scim/v2/Groups/tenant-admin', patchOps({ op: 'add', path: 'members', value: [{ value: id }, { value: 'no-such-user' }] }));
      expectScimError(response, 400, 'invalidValue');
      expect(await h.current.head()).toBe(before);
    });
  });

  describe('POST /v1/users/{userUid}/apiKeys/revoke', () => {
    it('counts first with dryRun, then revokes every active key of the user once', async () => {
      const tenant = randomId('manual');
      const admin = await actor(tenant, { admin: true });
      const user = await actor(tenant);
      const keys = [await h.current.createKey(user.headers, createBody('a')), await h.current.createKey(user.headers, createBody('b'))];
      const url = `/v1/users/${encodeURIComponent(user.userId)}/apiKeys/revoke`;

      const before = await h.current.head();
      const dry = await h.current.call('POST', url, { headers: admin.headers, body: { dryRun: true } });
      expect(dry.status, dry.text).toBe(200);
      expect(dry.json).toEqual({ count: 2, revoked: 0, dryRun: true });
      expect(await h.current.head()).toBe(before);

      const done = await h.current.call('POST', url, { headers: admin.headers, body: {} });
      expect(done.json).toEqual({ count: 2, revoked: 2, dryRun: false });
      for (const key of keys) {
        expect((await h.current.call('GET', '/v1/apiKeys', { headers: asKey(key.apiKey) })).status).toBe(401);
        expect((await keyEvents(key.uid)).filter((event) => event.type === 'KeyRevoked').map((event) => event.data.reason)).toEqual(['owner-keys-revoked']);
      }
      expect((await h.current.call('POST', url, { headers: admin.headers, body: {} })).json).toEqual({ count: 0, revoked: 0, dryRun: false });
    });

    it('is for tenant admins only, and refuses bad input', async () => {
      const tenant = randomId('manual');
      const user = await actor(tenant);
      const admin = await actor(tenant, { admin: true });
      expectProblem(await h.current.call('POST', `/v1/users/${user.userId}/apiKeys/revoke`, { headers: user.headers, body: { dryRun: true } }), 403, 'Forbidden');
      expectProblem(await h.current.call('POST', `/v1/users/${user.userId}/apiKeys/revoke`, { headers: admin.headers, body: { dryRun: 'yes' } }), 400, 'InvalidRequest');
      expectProblem(await h.current.call('POST', `/v1/users/${user.userId}/apiKeys/revoke`, { headers: admin.headers, body: { dryRun: true, extra: 1 } }), 400, 'InvalidRequest');
      expectProblem(await h.current.call('POST', `/v1/users/${user.userId}/apiKeys/revoke`, { body: {} }), 401, 'Unauthorized');
    });
  });

  describe('limits', () => {
    const limited = useApp(kind, { ...scimEnv(acme), RATE_LIMIT_PER_IP: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });

    it('counts /scim/v2 in the per-IP limit, answering 429 with Retry-After in SCIM\'s error schema', async () => {
      const statuses: number[] = [];
      let last;
      for (let n = 0; n < 4; n++) {
        last = await scim(limited.current, acme, 'GET', '/scim/v2/Users');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expectScimError(last!, 429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
