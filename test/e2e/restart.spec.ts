import { describe, expect, it } from 'vitest';
import {
  CLOSE_DEADLINE_MS,
  DATABASE_URL,
  type E2eApp,
  READ_MODELS,
  adminQuery,
  createBody,
  expectProblem,
  startApp,
  tenantWithUsers,
} from './harness.js';

/** Each test owns its app, because it stops and restarts it on the same DATA_DIR (and schema). */
describe.each(READ_MODELS)('restart on the same DATA_DIR (%s read model)', (kind) => {
  const withApp = async (test: (app: E2eApp) => Promise<void>) => {
    const app = await startApp(kind);
    try {
      await test(app);
    } finally {
      await app.destroy();
    }
  };

  it('keeps every key, state, listing and ETag; keys authenticate as before', async () => {
    await withApp(async (app) => {
      const { admin, alice, bob } = await tenantWithUsers();
      const active = await app.createKey(alice.headers, createBody('active'));
      const edited = await app.createKey(bob.headers, createBody('edited'));
      const revoked = await app.createKey(alice.headers, createBody('revoked'));
      const deleted = await app.createKey(bob.headers, createBody('deleted'));
      const adminOwn = await app.createKey(admin.headers, createBody('admin-own'));
      expect((await app.call('PUT', `/v1/apiKeys/${edited.uid}`, { headers: bob.headers, body: { metadata: { name: 'edited-2', annotations: { description: 'd' } } } })).status).toBe(204);
      expect((await app.call('PUT', `/v1/apiKeys/${revoked.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
      expect((await app.call('DELETE', `/v1/apiKeys/${deleted.uid}`, { headers: bob.headers })).status).toBe(204);

      const snapshot = async () => ({
        admin: (await app.listAll(admin.headers, {}, 2)).pages.map((page) => page.text),
        alice: (await app.listAll(alice.headers)).pages.map((page) => page.text),
        one: await Promise.all([active, edited, revoked].map(async (key) => {
          const response = await app.call('GET', `/v1/apiKeys/${key.uid}`, { headers: admin.headers });
          return { etag: response.headers.etag, text: response.text };
        })),
      });
      const before = await snapshot();

      await app.restart();

      expect(await snapshot()).toEqual(before);
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: active.apiKey } })).status).toBe(200);
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: edited.apiKey } })).status).toBe(200);
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: adminOwn.apiKey } })).json.items).toHaveLength(4);
      expectProblem(await app.call('GET', '/v1/apiKeys', { headers: { apiKey: revoked.apiKey } }), 401, 'Unauthorized');
      expectProblem(await app.call('GET', '/v1/apiKeys', { headers: { apiKey: deleted.apiKey } }), 401, 'Unauthorized');
      expectProblem(await app.call('GET', `/v1/apiKeys/${deleted.uid}`, { headers: admin.headers }), 404, 'ResourceNotFound');
    });
  });

  it('carries on after a restart: revisions continue, the revoked key re-activates, new keys work', async () => {
    await withApp(async (app) => {
      const { alice } = await tenantWithUsers();
      const key = await app.createKey(alice.headers, createBody('k'));
      expect((await app.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
      const etag = (await app.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).headers.etag as string;

      await app.restart();

      const reactivated = await app.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: { ...alice.headers, 'if-match': etag }, body: { isActive: true } });
      expect(reactivated.status).toBe(204);
      expect(reactivated.headers.etag).not.toBe(etag);
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } })).status).toBe(200);
      const fresh = await app.createKey(alice.headers, createBody('after-restart'));
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: fresh.apiKey } })).json.items).toHaveLength(2);
    });
  });

  it('the key limit survives a restart', async () => {
    await withApp(async (app) => {
      const { alice } = await tenantWithUsers();
      for (let i = 0; i < 20; i++) await app.createKey(alice.headers, createBody(`k${i}`));
      await app.restart();
      expectProblem(await app.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody('k21') }), 409, 'ApiKeyLimitReached');
    });
  });

  it('stops promptly when closed right after it started', async () => {
    // Shutdown must not depend on how far the background processing got (e.g. a SIGTERM during start-up).
    const app = await startApp(kind, {}, { waitForProcessing: false });
    const started = Date.now();
    try {
      await app.close();
      expect(Date.now() - started).toBeLessThan(CLOSE_DEADLINE_MS);
    } finally {
      await app.destroy();
    }
  });

  it('survives several restarts in a row with nothing in between', async () => {
    await withApp(async (app) => {
      const { admin, alice } = await tenantWithUsers();
      const key = await app.createKey(alice.headers, createBody('k'));
      const before = (await app.listAll(admin.headers)).pages.map((page) => page.text);
      for (let i = 0; i < 3; i++) await app.restart();
      expect((await app.listAll(admin.headers)).pages.map((page) => page.text)).toEqual(before);
      expect((await app.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } })).status).toBe(200);
    });
  });

  if (kind === 'postgres') it('READ_MODEL=postgres keeps the read model in the schema named by DATABASE_SCHEMA', async () => {
    await withApp(async (app) => {
      const { alice } = await tenantWithUsers();
      const key = await app.createKey(alice.headers, createBody('k'));
      const schema = app.env.DATABASE_SCHEMA!;
      const rows = await adminQuery<{ key_id: string }>(DATABASE_URL, `select key_id from "${schema}".key_listing`).catch((error: Error) => {
        throw new Error(`no key_listing table in schema ${schema}: the config does not pass DATABASE_SCHEMA to openPostgresReadModel (${error.message})`);
      });
      expect(rows.map((row) => row.key_id)).toEqual([key.uid]);
    });
  });
});
