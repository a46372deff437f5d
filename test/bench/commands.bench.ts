import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import pg from 'pg';
import { freePort } from './bench-process.js';
import { round, writeResult } from './bench-report.js';

/**
 * Commands (issue 11 item 5): revoke, re-activate and edit through the built service (its own process,
 * embedded SQLite event store, views in SQLite or in PostgreSQL with READ_MODEL=postgres), driven by
 * commands-load.ts in a third process: 1 client, then 20 concurrent clients, each closed-loop on its
 * own key (so no command waits on another's conflict). Authentication is a JWT, so no scrypt runs.
 * Baseline, same run, same load generator: a bare Fastify POST route doing one synchronous=FULL
 * SQLite insert (commands-baseline-server.ts), the least a durable write can cost here.
 * Targets (embedded default): p50 <= 5 ms for one client; >= 2,000 commands/s and p99 <= 50 ms with 20.
 * Sizes: BENCH_COMMAND_SECONDS (default 8) measured after BENCH_COMMAND_WARMUP_SECONDS (default 2).
 * BENCH_COMMAND_API: another build's dist/apps/api/src/main.js (say, the commit before a change) to
 * measure instead of this one; BENCH_COMMAND_RESULT names the result file then (default `commands`).
 */
const SECONDS = Number(process.env.BENCH_COMMAND_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_COMMAND_WARMUP_SECONDS ?? 2);
const CLIENTS = [1, 20];
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-bench-secret-bench-secret-01';
/** A free port per server (BENCH_COMMAND_PORT pins one), so a busy fixed port cannot make the bench probe another process. */
let base = '';
const API = process.env.BENCH_COMMAND_API ?? 'dist/apps/api/src/main.js';
const RESULT_NAME = process.env.BENCH_COMMAND_RESULT ?? 'commands';
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

interface LoadResult { commands: number; seconds: number; perSecond: number; p50: number; p90: number; p99: number; max: number; failures: number; firstFailure?: string }
interface Run { setup: string; clients: number; commandsPerSecond: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number; commands: number }

const runLoad = async (input: { token: string; keys: string[]; clients: number; kind: 'keystream' | 'baseline' }): Promise<LoadResult> => {
  const { stdout } = await promisify(execFile)(process.execPath, [here('./commands-load.js'), JSON.stringify({ base, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, ...input })], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as LoadResult;
  if (result.failures > 0) throw new Error(`${input.kind} with ${input.clients} clients: ${result.failures} failed commands, first: ${result.firstFailure}`);
  return result;
};

const toRun = (setup: string, clients: number, load: LoadResult): Run => ({
  setup, clients, commandsPerSecond: round(load.perSecond, 0), p50Ms: round(load.p50), p90Ms: round(load.p90), p99Ms: round(load.p99), maxMs: round(load.max), commands: load.commands,
});

const startServer = async (script: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> => {
  const port = process.env.BENCH_COMMAND_PORT ? Number(process.env.BENCH_COMMAND_PORT) : await freePort();
  base = `http://127.0.0.1:${port}`;
  return spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
};

const stopServer = async (server: ChildProcess): Promise<void> => {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
};

async function waitUntilUp(path: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await fetch(`${base}${path}`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start');
}

const runs: Run[] = [];

// Baseline: the bare durable insert.
{
  const server = await startServer(here('./commands-baseline-server.js'), {});
  try {
    await waitUntilUp('/healthz');
    for (const clients of CLIENTS) runs.push(toRun('baseline: Fastify POST + one synchronous=FULL SQLite insert', clients, await runLoad({ token: '', keys: Array.from({ length: clients }, (_, i) => `k${i}`), clients, kind: 'baseline' })));
  } finally {
    await stopServer(server);
  }
}

for (const readModel of ['sqlite', 'postgres'] as const) {
  const dataDir = mkdtempSync(join(tmpdir(), 'keystream-bench-commands-'));
  const schema = `bench_commands_${randomBytes(4).toString('hex')}`;
  const server = await startServer(API, {
    HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TENANT: '0', MAX_KEYS_PER_USER: '100',
    ...(readModel === 'postgres' ? { READ_MODEL: 'postgres', DATABASE_URL, DATABASE_SCHEMA: schema } : { READ_MODEL: 'sqlite' }),
  });
  try {
    await waitUntilUp('/readyz');
    const token = await new SignJWT({ tenant: 'bench', roles: ['tenant-admin'] })
      .setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setExpirationTime('2h').sign(new TextEncoder().encode(SECRET));
    const keys: string[] = [];
    for (let i = 0; i < Math.max(...CLIENTS); i++) keys.push(await createKey(token, `bench-${i}`));
    const setup = readModel === 'sqlite' ? 'Keystream, embedded default (SQLite events and views)' : 'Keystream, SQLite events + PostgreSQL views';
    for (const clients of CLIENTS) runs.push(toRun(setup, clients, await runLoad({ token, keys, clients, kind: 'keystream' })));
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    if (readModel === 'postgres') await dropSchema(schema);
  }
}

const find = (setup: string, clients: number): Run => runs.find((run) => run.setup.startsWith(setup) && run.clients === clients)!;
const summary = [];
for (const [label, setup] of [['embedded', 'Keystream, embedded'], ['PostgreSQL views', 'Keystream, SQLite events + PostgreSQL']] as const) {
  const embedded = label === 'embedded';
  const one = find(setup, 1);
  const many = find(setup, 20);
  const base1 = find('baseline', 1);
  const base20 = find('baseline', 20);
  const baseline = (run: Run, value: number) => ({ name: `${run.setup}, ${run.clients} client(s)`, value });
  summary.push(
    { metric: `command p50, 1 client (${label})`, value: one.p50Ms, unit: 'ms', baseline: baseline(base1, base1.p50Ms), ratio: round(one.p50Ms / base1.p50Ms), ...(embedded ? { target: '<= 5 ms', targetMet: one.p50Ms <= 5 } : {}) },
    { metric: `command p99, 1 client (${label})`, value: one.p99Ms, unit: 'ms', baseline: baseline(base1, base1.p99Ms), ratio: round(one.p99Ms / base1.p99Ms) },
    { metric: `commands/s, 1 client (${label})`, value: one.commandsPerSecond, unit: 'commands/s', baseline: baseline(base1, base1.commandsPerSecond), ratio: round(one.commandsPerSecond / base1.commandsPerSecond) },
    { metric: `commands/s, 20 clients (${label})`, value: many.commandsPerSecond, unit: 'commands/s', baseline: baseline(base20, base20.commandsPerSecond), ratio: round(many.commandsPerSecond / base20.commandsPerSecond), ...(embedded ? { target: '>= 2000/s', targetMet: many.commandsPerSecond >= 2000 } : {}) },
    { metric: `command p50, 20 clients (${label})`, value: many.p50Ms, unit: 'ms', baseline: baseline(base20, base20.p50Ms), ratio: round(many.p50Ms / base20.p50Ms) },
    { metric: `command p99, 20 clients (${label})`, value: many.p99Ms, unit: 'ms', baseline: baseline(base20, base20.p99Ms), ratio: round(many.p99Ms / base20.p99Ms), ...(embedded ? { target: '<= 50 ms', targetMet: many.p99Ms <= 50 } : {}) },
  );
}
writeResult(RESULT_NAME, {
  api: API,
  description: 'revoke / re-activate / edit in turn, each client closed-loop on its own key, JWT auth; load generator in its own process',
  secondsPerRun: SECONDS, warmupSeconds: WARMUP_SECONDS, runs, summary,
});
console.table(runs);

async function createKey(token: string, name: string): Promise<string> {
  const response = await fetch(`${base}/v1/apiKeys`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { expiry: new Date(Date.now() + 30 * 86_400_000).toISOString() } }),
  });
  if (response.status !== 201) throw new Error(`creating a bench key answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { uid: string }).uid;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
}
