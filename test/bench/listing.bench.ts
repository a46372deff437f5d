import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { API_KEY_VIEWS, type KeyListingQuery, keyListingQueries } from '@keystream/api-keys';
import { openPostgresReadModel } from '@keystream/read-model';
import { round, writeResult } from './bench-report.js';

/**
 * The admin listing on PostgreSQL with a million keys in one tenant (plus 100k in another): the
 * time for a 100-row page, first and deep (by cursor), and with each filter. Rows are generated in
 * SQL straight into the listing table, then ANALYZEd; queries go through the real read model.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEYS = Number(process.env.BENCH_LISTING_KEYS ?? 1_000_000);
const RUNS = 30;
const schema = `bench_listing_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

const readModel = await openPostgresReadModel({ connectionString: DATABASE_URL, schema, views: API_KEY_VIEWS });
const listing = keyListingQueries(readModel.live);
const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();
try {
  const loadStart = performance.now();
  await client.query(`
    insert into ${schema}.key_listing
    select lpad(to_hex(g), 24, '0'), case when g % 11 = 0 then 'other' else 'big' end, 'user-' || (g % 50000), '', '',
           'key-' || g, '', 'user', '2027-01-01T00:00:00.000Z', (g % 3 <> 0)::int, (g % 97 = 0)::int,
           to_char(timestamp '2026-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           '2026-06-01T00:00:00.000Z', 0
    from generate_series(1, $1) as g`, [Math.round(KEYS * 1.1)]);
  await client.query(`analyze ${schema}.key_listing`);
  const loadSeconds = round((performance.now() - loadStart) / 1000, 1);
  const { rows: [{ count }] } = await client.query(`select count(*)::int as count from ${schema}.key_listing where tenant_id = 'big'`);

  const firstPage = await listing.listKeys({ tenantId: 'big', limit: 100 });
  let deep = firstPage;
  for (let i = 0; i < 50; i++) deep = await listing.listKeys({ tenantId: 'big', limit: 100, after: deep.next });
  const scenarios: Record<string, KeyListingQuery> = {
    'first page': { tenantId: 'big', limit: 100 },
    'page 51 (by cursor)': { tenantId: 'big', limit: 100, after: deep.next },
    'one owner': { tenantId: 'big', ownerId: 'user-42', limit: 100 },
    'active only': { tenantId: 'big', isActive: true, limit: 100 },
    'name contains (rare match)': { tenantId: 'big', nameContains: 'key-99999', limit: 100 },
  };
  const results = [];
  for (const [scenario, query] of Object.entries(scenarios)) {
    await listing.listKeys(query);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await listing.listKeys(query);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results.push({ scenario, medianMs: round(times[Math.floor(RUNS / 2)]!), p95Ms: round(times[Math.floor(RUNS * 0.95)]!) });
  }
  writeResult('listing', {
    database: 'PostgreSQL',
    keysInTenant: count,
    loadSeconds,
    pageSize: 100,
    runs: RUNS,
    results,
    summary: results.map((result) => ({ metric: `PostgreSQL listing, ${count.toLocaleString('en')} keys, 100-row page: ${result.scenario} (median)`, value: result.medianMs, unit: 'ms' })),
  });
  console.table(results);
} finally {
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
  await readModel.close();
}
