import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { NOTES_VIEW, describeReadModelContract } from '../../contract/read-model.contract.js';
import { openPostgresReadModel } from './postgres.read-model.js';

// Not skipped when the server is down: an unreachable database fails every test of this file.
const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().slice(0, 8);
let subjects = 0;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

// A schema of its own per subject, dropped after: runs never see each other's tables.
describeReadModelContract('postgres', async () => {
  const schema = `read_model_test_${run}_${++subjects}`;
  const readModel = await openPostgresReadModel({ connectionString, schema, views: [NOTES_VIEW] });
  return {
    readModel,
    openSibling: () => openPostgresReadModel({ connectionString, schema, views: [NOTES_VIEW] }),
    teardown: async () => {
      await readModel.close();
      await dropSchema(schema);
    },
  };
});
