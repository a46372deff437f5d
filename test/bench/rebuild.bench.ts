import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { API_KEY_VIEWS } from '@keystream/api-keys';
import { SqliteEventStore, formatPosition } from '@keystream/event-store';
import { CheckpointedProcessor, projectionsConsumer, rebuildProjections } from '@keystream/processing';
import { type ReadModel, openPostgresReadModel, openSqliteReadModel } from '@keystream/read-model';
import { round, writeResult } from './bench-report.js';

/**
 * How fast the projections replay the log: `rebuildProjections` of every view into a shadow (what
 * `projections rebuild` runs) and live processors catching up from the first event, into SQLite and
 * PostgreSQL. The log is BENCH_KEYS keys, three events each (created, edited, then revoked or
 * deleted or edited again), written straight into a SQLite event store file.
 *
 * Baseline, in the same run: the same number of rows (one per event into each view's table, the
 * same columns) inserted with a bare better-sqlite3 prepared statement, one transaction per
 * BASELINE_TX rows, synchronous=FULL as the read model: what writing alone costs, no log read, no
 * decoding, no folding. The ratio says how far the replay is from that floor.
 */
const KEYS = Number(process.env.BENCH_KEYS ?? 200_000);
const DATABASES = (process.env.BENCH_REBUILD_DATABASES ?? 'sqlite,postgres').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BASELINE_TX = 5000;
const TARGETS = { sqlite: 100_000, postgres: 30_000 } as const;

const dir = mkdtempSync(join(tmpdir(), 'keystream-rebuild-bench-'));
const eventsFile = join(dir, 'events.sqlite');

/** Writes the log with a bare insert (not through the store's append, which checks revisions per stream). */
function writeLog(keys: number): number {
  new SqliteEventStore(eventsFile).close();
  const db = new Database(eventsFile);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `insert into events (event_id, stream_name, revision, type, data, metadata, recorded_at) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = '2026-12-03T10:00:00.000Z';
  const metadata = (tenantId: string) =>
    JSON.stringify({ schemaVersion: 2, tenantId, actor: { userId: 'bench', via: 'jwt' }, correlationId: randomUUID(), occurredAt: at });
  const ids = (i: number) => ({ tenantId: `tenant-${i % 10}`, keyId: `key${String(i).padStart(10, '0')}`, ownerId: `user-${i % 5000}` });
  let count = 0;
  const add = (i: number, revision: number, type: string, data: object) => {
    const { tenantId, keyId } = ids(i);
    insert.run(randomUUID(), `apikey-${keyId}`, revision, type, JSON.stringify(data), metadata(tenantId), at);
    count++;
  };
  db.transaction(() => {
    for (let i = 0; i < keys; i++) {
      add(i, 0, 'KeyCreated', {
        ...ids(i),
        ownerFirstName: 'Ada',
        ownerLastName: 'Lovelace',
        name: `key ${i}`,
        description: 'a benchmark key',
        annotations: { team: 'bench' },
        labels: {},
        scope: i % 4 === 0 ? 'tenant' : 'user',
        expiresAt: '2027-12-03T10:00:00.000Z',
        secretHash: `scrypt$16384$8$1$${'s'.repeat(22)}$${'h'.repeat(43)}`,
        createdAt: at,
      });
    }
    for (let i = 0; i < keys; i++) {
      add(i, 1, 'KeyEdited', { ...ids(i), changes: { name: { before: `key ${i}`, after: `renamed ${i}` } }, editedAt: at });
    }
    for (let i = 0; i < keys; i++) {
      if (i % 3 === 0) add(i, 2, 'KeyRevoked', { ...ids(i), revokedAt: at });
      else if (i % 3 === 1) add(i, 2, 'KeyDeleted', { ...ids(i), deletedAt: at });
      else add(i, 2, 'KeyEdited', { ...ids(i), changes: { expiresAt: { before: '2027-12-03T10:00:00.000Z', after: '2028-01-01T00:00:00.000Z' } }, editedAt: at });
    }
  })();
  db.close();
  return count;
}

/** The floor: `events` rows into each of two tables of the views' shapes, bare prepared statements. */
function measureBaseline(events: number): number {
  const file = join(dir, 'baseline.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table listing (key_id text primary key, tenant_id text, owner_id text, owner_first_name text, owner_last_name text,
             name text, description text, annotations text, labels text, scope text, expires_at text, is_active integer,
             deleted integer, created_at text, last_modified_at text, revision integer);
           create table verification (key_id text primary key, tenant_id text, owner_id text, scope text, secret_hash text,
             expires_at text, is_active integer, deleted integer, revision integer)`);
  const listing = db.prepare('insert into listing values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const verification = db.prepare('insert into verification values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const at = '2026-12-03T10:00:00.000Z';
  const start = performance.now();
  for (let from = 0; from < events; from += BASELINE_TX) {
    db.transaction(() => {
      for (let i = from; i < Math.min(events, from + BASELINE_TX); i++) {
        const keyId = `key${String(i).padStart(10, '0')}`;
        listing.run(keyId, 'tenant-1', 'user-1', 'Ada', 'Lovelace', `key ${i}`, 'a benchmark key', '{"team":"bench"}', '{}', 'user', at, 1, 0, at, at, 0);
        verification.run(keyId, 'tenant-1', 'user-1', 'user', 'scrypt$hash', at, 1, 0, 0);
      }
    })();
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return events / seconds;
}

async function openReadModel(kind: string, schema: string): Promise<ReadModel> {
  return kind === 'sqlite'
    ? openSqliteReadModel(join(dir, `${schema}.sqlite`), API_KEY_VIEWS)
    : openPostgresReadModel({ connectionString: DATABASE_URL, schema, views: API_KEY_VIEWS });
}

async function dropSchema(kind: string, schema: string): Promise<void> {
  if (kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** This process's CPU time since `since` (the rebuild's own work; PostgreSQL's server time is not in it). */
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return round((user + system) / 1e6, 2);
};

interface Figure {
  seconds: number;
  eventsPerSecond: number;
  cpuSeconds: number;
}

async function measureRebuild(kind: string, events: number): Promise<Figure & { swapSeconds: number }> {
  const schema = `bench_rebuild_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const eventStore = new SqliteEventStore(eventsFile);
  const readModel = await openReadModel(kind, schema);
  let swapSeconds = 0;
  // The swap (copying the shadow into the live tables) is part of the rebuild; its share is reported apart.
  const timingSwaps = new Proxy(readModel, {
    get(target, property, receiver) {
      if (property !== 'swapInShadow') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<ReadModel['swapInShadow']>) => {
        const start = performance.now();
        try {
          return await target.swapInShadow(...args);
        } finally {
          swapSeconds += (performance.now() - start) / 1000;
        }
      };
    },
  });
  try {
    const start = performance.now();
    const cpu = process.cpuUsage();
    await rebuildProjections(eventStore, timingSwaps, API_KEY_VIEWS);
    const seconds = (performance.now() - start) / 1000;
    return { seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds), swapSeconds: round(swapSeconds, 2), cpuSeconds: cpuSeconds(cpu) };
  } finally {
    await readModel.close();
    await eventStore.close();
    await dropSchema(kind, schema);
  }
}

/**
 * The live processor as ProcessingRuntime runs it (one processor feeding every projection from one
 * read of the log) started on an empty read model; timed until its checkpoints reach the head.
 */
async function measureCatchUp(kind: string, events: number): Promise<Figure> {
  const schema = `bench_catchup_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const eventStore = new SqliteEventStore(eventsFile);
  const readModel = await openReadModel(kind, schema);
  const head = formatPosition((await eventStore.headPosition())!);
  const logger = { info: () => undefined, warn: console.warn, error: console.error };
  const processors = [new CheckpointedProcessor(eventStore, projectionsConsumer(readModel, API_KEY_VIEWS), logger)];
  try {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const done = processors.map(
      (processor) =>
        new Promise<void>((resolve) => {
          const stop = processor.onAdvance((position) => {
            if (formatPosition(position) === head) {
              stop();
              resolve();
            }
          });
        }),
    );
    for (const processor of processors) processor.start();
    await Promise.all(done);
    const seconds = (performance.now() - start) / 1000;
    return { seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds), cpuSeconds: cpuSeconds(cpu) };
  } finally {
    await Promise.all(processors.map((processor) => processor.stop()));
    await readModel.close();
    await eventStore.close();
    await dropSchema(kind, schema);
  }
}

if (process.env.BENCH_REBUILD_WRITE_LOG_ONLY) {
  // For profiling: write the log to the given file and stop.
  writeLog(KEYS);
  const { renameSync } = await import('node:fs');
  renameSync(eventsFile, process.env.BENCH_REBUILD_WRITE_LOG_ONLY);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

try {
  const writeStart = performance.now();
  const events = writeLog(KEYS);
  process.stdout.write(`rebuild bench: ${KEYS} keys, ${events} events written in ${round((performance.now() - writeStart) / 1000, 1)} s\n`);
  const baseline = Math.round(measureBaseline(events));
  const name = 'bare better-sqlite3 insert of the same rows';
  const details: Record<string, unknown> = {};
  const summary = [];
  for (const kind of DATABASES) {
    const rebuild = await measureRebuild(kind, events);
    const catchUp = await measureCatchUp(kind, events);
    details[kind] = { rebuild, catchUp };
    const target = TARGETS[kind as keyof typeof TARGETS];
    const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    for (const [what, figure] of [['rebuild', rebuild], ['live catch-up', catchUp]] as const) {
      summary.push({
        metric: `${what} into ${label} (${events} events)`,
        value: figure.eventsPerSecond,
        unit: 'events/s',
        baseline: { name, value: baseline },
        ratio: round(figure.eventsPerSecond / baseline, 3),
        target: `>= ${target} events/s`,
        targetMet: figure.eventsPerSecond >= target,
      });
    }
    process.stdout.write(`${label}: rebuild ${rebuild.eventsPerSecond} events/s (${rebuild.seconds} s, swap ${rebuild.swapSeconds} s), catch-up ${catchUp.eventsPerSecond} events/s (${catchUp.seconds} s)\n`);
  }
  writeResult('rebuild', {
    keys: KEYS,
    note: `shared machine (load average ${loadavg().map((load) => load.toFixed(1)).join(', ')} at the end, ${cpus().length} cores): wall-clock rates depend on the other work; cpuSeconds is this process's own`,
    events,
    eventStore: 'SQLite (embedded default), written before the run',
    baseline: { name, eventsPerSecond: baseline, rowsPerTransaction: BASELINE_TX },
    ...details,
    summary,
  });
  console.table(summary.map(({ metric, value, ratio, targetMet }) => ({ metric, value, ratio, targetMet })));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
