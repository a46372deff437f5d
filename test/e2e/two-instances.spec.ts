import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, createBody, expectProblem, startApp, tenantWithUsers } from './harness.js';

/** A small limit, so every user can be brought to the last free slot cheaply. */
const LIMIT = 3;

/**
 * Two service instances on one PostgreSQL read model (and one event log): the production shape.
 * Only one runs the projections; both serve, and the rules that span keys hold across them.
 */
describe('two instances sharing the PostgreSQL read model', () => {
  let leader: E2eApp;
  let standby: E2eApp;

  beforeAll(async () => {
    leader = await startApp('postgres', { MAX_KEYS_PER_USER: String(LIMIT) });
    standby = await startApp(
      'postgres',
      { MAX_KEYS_PER_USER: String(LIMIT), DATA_DIR: leader.dataDir, DATABASE_SCHEMA: leader.env.DATABASE_SCHEMA! },
      { waitForProcessing: false },
    );
  });
  afterAll(async () => {
    await standby?.close();
    await leader?.destroy();
  });

  it('hold the per-user key limit between them: the last slot goes to exactly one of two racing creates', async () => {
    // Each round brings a user to one free slot, then both instances create at the same moment.
    for (let round = 0; round < 6; round++) {
      const { alice } = await tenantWithUsers();
      for (let i = 0; i < LIMIT - 1; i++) await leader.createKey(alice.headers, createBody(`before-${i}`));
      const responses = await Promise.all(
        [leader, standby].map((instance, i) => instance.call('POST', '/v1/apiKeys', { headers: alice.headers, body: createBody(`race-${i}`) })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      expectProblem(responses.find((response) => response.status === 409)!, 409, 'ApiKeyLimitReached');
      expect((await standby.listAll(alice.headers)).items).toHaveLength(LIMIT);
    }
  });

  it('serve commands with read-your-writes on the instance that does not process', async () => {
    const { alice } = await tenantWithUsers();
    const key = await standby.createKey(alice.headers, createBody('on-the-standby'));
    expect((await standby.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { apiKey: key.apiKey } })).status).toBe(200);
    expect((await standby.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: false } })).status).toBe(204);
    expect((await leader.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { apiKey: key.apiKey } })).status).toBe(401);
  });
});
