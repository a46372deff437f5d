import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describeAuditStoreContract } from '../../contract/audit-store.contract.js';
import { openPostgresAuditStore } from './postgres.audit-store.js';

// Not skipped when the server is down: an unreachable database fails every test of this file.
const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().slice(0, 8);
let subjects = 0;

async function withClient(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

// A schema of its own per subject, dropped after: runs never see each other's tables.
describeAuditStoreContract('postgres', async () => {
  const schema = `audit_test_${run}_${++subjects}`;
  const store = await openPostgresAuditStore({ connectionString, schema });
  return {
    store,
    openSibling: () => openPostgresAuditStore({ connectionString, schema }),
    tamper: (statement, parameters) =>
      withClient(async (client) => {
        let n = 0;
        await client.query(`set search_path to "${schema}"`);
        await client.query(statement.replace(/\?/g, () => `$${++n}`), parameters);
      }),
    teardown: async () => {
      await store.close();
      await withClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
    },
  };
});
