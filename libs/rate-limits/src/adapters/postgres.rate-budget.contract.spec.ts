import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { describeRateBudgetContract } from '../contract/rate-budget.contract.js';
import { PostgresRateBudget } from './postgres.rate-budget.js';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `rate_${randomBytes(6).toString('hex')}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describeRateBudgetContract('PostgreSQL', (options) => PostgresRateBudget.open({ ...options, connectionString, schema }), { shared: true });
