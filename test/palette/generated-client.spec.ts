import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { READ_MODELS, inDays, tenantWithUsers, useApp } from '../e2e/harness.js';

/**
 * A client generated from Palette's published spec during the test run (openapi-generator's
 * typescript-fetch, scripts/palette-client/generate.sh; git-ignored build output), driven through
 * every operation against a running Keystream. It knows Palette's spec and nothing else: no
 * extension header, no paging.
 */
const ROOT = resolve(import.meta.dirname, '../..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Generated = any;
let client: Generated;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)('bash', ['scripts/palette-client/generate.sh'], { cwd: ROOT, timeout: 240_000 });
  client = await import(pathToFileURL(resolve(ROOT, stdout.trim(), 'index.ts')).href);
}, 240_000);

describe.each(READ_MODELS)('a client generated from Palette’s spec (%s read model)', (kind) => {
  const h = useApp(kind);
  let basePath: string;
  beforeAll(async () => {
    await h.current.app.listen(0, '127.0.0.1');
    basePath = `http://127.0.0.1:${(h.current.app.getHttpServer().address() as AddressInfo).port}`;
  });
  const api = (headers: Record<string, string>) => new client.V1Api(new client.Configuration({ basePath, headers }));

  it('creates, lists, gets, updates, revokes, re-activates, patches and deletes; users/info answers', async () => {
    const { tenant, admin, alice } = await tenantWithUsers();
    const asAlice = api({ Authorization: alice.token });

    const info = await asAlice.v1UsersInfoGet();
    expect(info).toEqual({ userUid: alice.userId, tenantUid: tenant, orgName: tenant });

    const created = await asAlice.v1ApiKeysCreate({
      body: { metadata: { name: 'generated', annotations: { description: 'from the generated client' } }, spec: { expiry: new Date(inDays(30)) } },
    });
    expect(created.uid).toMatch(/^[0-9a-f]{24}$/);
    const asKey = api({ ApiKey: created.apiKey });

    const listed = await api({ Authorization: admin.token }).v1ApiKeysList();
    // The spec says `uniqueItems`, so the generated model holds a Set.
    expect([...listed.items].map((key: { metadata: { uid: string } }) => key.metadata.uid)).toEqual([created.uid]);

    const got = await asKey.v1ApiKeysUidGet({ uid: created.uid });
    expect(got.metadata.name).toBe('generated');
    expect(got.metadata.annotations.description).toBe('from the generated client');
    expect(got.spec.user.uid).toBe(alice.userId);
    expect(got.spec.expiry).toBeInstanceOf(Date);
    expect(got.status).toEqual({ isActive: true });

    const expiry = new Date(inDays(60));
    await asAlice.v1ApiKeysUidUpdate({ uid: created.uid, body: { metadata: { name: 'renamed' }, spec: { expiry } } });
    const updated = await asAlice.v1ApiKeysUidGet({ uid: created.uid });
    expect([updated.metadata.name, updated.spec.expiry.getTime()]).toEqual(['renamed', expiry.getTime()]);

    await asAlice.v1ApiKeysUidState({ uid: created.uid, body: { isActive: false } });
    await expect(asKey.v1ApiKeysUidGet({ uid: created.uid })).rejects.toMatchObject({ response: { status: 401 } });
    await asAlice.v1ApiKeysUidState({ uid: created.uid, body: { isActive: true } });
    expect((await asKey.v1ApiKeysUidGet({ uid: created.uid })).status.isActive).toBe(true);
    await asAlice.v1ApiKeysUidActiveState({ uid: created.uid, body: { isActive: false } });
    expect((await asAlice.v1ApiKeysUidGet({ uid: created.uid })).status.isActive).toBe(false);
    await asAlice.v1ApiKeysUidActiveState({ uid: created.uid, body: { isActive: true } });

    await asAlice.v1ApiKeysUidDelete({ uid: created.uid });
    const gone = await asAlice.v1ApiKeysUidGet({ uid: created.uid }).catch((error: Generated) => error);
    expect(gone.response.status).toBe(404);
    expect(await gone.response.json()).toMatchObject({ code: 'ResourceNotFound' });
  });
});
