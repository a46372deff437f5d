import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openPostgresReadModel } from '@keystream/read-model';
import { DATABASE_URL } from '../e2e/harness.js';

/**
 * Fault drill: other schemas of the same database are created and dropped while instances start.
 * Kysely's migrator introspects every schema, and a schema dropped during that query failed the
 * start-up ("Read-model migration (setup) failed"; 3F000), as a worker restart in the kill -9 drill
 * did while other suites dropped theirs. Without the retry, about one start in ten failed here.
 */
it('fault drill: the read model opens while other schemas of the database are dropped', async () => {
  const churner = new pg.Client({ connectionString: DATABASE_URL });
  await churner.connect();
  let stop = false;
  const churn = (async () => {
    for (let i = 0; !stop; i++) {
      const name = `churn_${randomBytes(4).toString('hex')}_${i}`;
      await churner.query(`create schema ${name}; create table ${name}.t (a int)`);
      await churner.query(`drop schema ${name} cascade`);
    }
  })();
  const failures: string[] = [];
  try {
    for (let i = 0; i < 40; i++) {
      const schema = `churn_open_${randomBytes(5).toString('hex')}`;
      try {
        await (await openPostgresReadModel({ connectionString: DATABASE_URL, schema })).close();
      } catch (error) {
        failures.push(String((error as { cause?: Error }).cause?.message ?? error));
      } finally {
        await churner.query(`drop schema if exists ${schema} cascade`);
      }
    }
  } finally {
    stop = true;
    await churn.catch(() => undefined);
    await churner.end();
  }
  expect(failures).toEqual([]);
}, 60_000);
