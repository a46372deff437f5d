import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble } from '../doubles/esdb-protocol-double/esdb-protocol-double.js';
import { type E2eApp, createBody, startApp, tenantWithUsers } from './harness.js';

/**
 * On EventStoreDB each view reads through a filtered subscription, whose checkpoint moves past other
 * streams' events only on the server's checkpoints (every 32 events). The SCIM directory view reads
 * no key streams, so after a key event its checkpoint stands still: key commands must not wait for
 * it, and a create (which needs the key views current) must not be refused as "views behind".
 */
describe('key commands on EventStoreDB with a view that reads other streams', () => {
  let double: EsdbProtocolDouble;
  let app: E2eApp;
  beforeAll(async () => {
    double = await EsdbProtocolDouble.start();
    app = await startApp('sqlite', { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: double.connectionString, CONSISTENCY_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    await app?.destroy();
    await double?.close();
  });

  it('creates key after key, each shown by the listing at once', async () => {
    const { alice } = await tenantWithUsers();
    for (let i = 0; i < 4; i++) {
      const key = await app.createKey(alice.headers, createBody(`k${i}`));
      const listed = await app.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers });
      expect(listed.status, listed.text).toBe(200);
    }
  });
});
