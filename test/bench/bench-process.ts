import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import type { LoadFigures, LoadSpec } from './load.js';

/** What the HTTP benches share: the built service and the hello baseline as processes, the load generator as another. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret';
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** Runs of each scenario, alternating with its baseline; the median ratio is reported (the machine is shared and noisy). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export type ReadModelKind = 'sqlite' | 'postgres';

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface Served {
  port: number;
  base: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first successful answer. */
  startupMs: number;
  rssMiB(): number;
  stop(): Promise<void>;
}

async function serve(script: string, env: Record<string, string>, probePath: string, args: string[] = []): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...args, script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 180_000; // generous: on a saturated machine start-up alone has taken over a minute
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
      if (await fetch(`${base}${probePath}`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`${script} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    // Never leave a half-started server behind (it would hold its port and the machine's cores).
    if (child.exitCode === null) child.kill('SIGTERM');
    throw error;
  }
  return {
    port,
    base,
    child,
    startupMs: performance.now() - started,
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The bare NestJS + Fastify hello route (hello-app.ts), the baseline every ratio is against. */
export const startHello = (): Promise<Served> => serve('dist/test/bench/hello-app.js', {}, '/hello');

export interface KeystreamEnv {
  dataDir: string;
  schema?: string;
  cleanup(): Promise<void>;
}

/** A temp DATA_DIR and, for PostgreSQL views, a schema of its own (dropped by cleanup). */
export function keystreamStorage(kind: ReadModelKind): KeystreamEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'keystream-bench-'));
  const schema = kind === 'postgres' ? `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}` : undefined;
  return {
    dataDir,
    schema,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (!schema) return;
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** The built service (dist/apps/api) in its own process; per-IP and per-tenant limits off (one address drives the load). */
export const startKeystream = (storage: KeystreamEnv, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Served> =>
  serve(
    'dist/apps/api/src/main.js',
    {
      HOST: '127.0.0.1',
      DATA_DIR: storage.dataDir,
      AUTH_JWT_SECRET: JWT_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_IP: '0',
      RATE_LIMIT_PER_TENANT: '0',
      ...(storage.schema ? { READ_MODEL: 'postgres', DATABASE_URL, DATABASE_SCHEMA: storage.schema } : {}),
      ...extraEnv,
    },
    '/healthz',
    nodeArgs,
  );

export const jwtFor = (tenant: string, subject: string, roles: string[]): Promise<string> =>
  new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setExpirationTime('2h').sign(new TextEncoder().encode(JWT_SECRET));

export async function createKey(base: string, token: string, name: string): Promise<{ uid: string; apiKey: string }> {
  const response = await fetch(`${base}/v1/apiKeys`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { expiry: new Date(Date.now() + 86_400_000).toISOString() } }),
  });
  if (response.status !== 201) throw new Error(`create key: ${response.status} ${await response.text()}`);
  return (await response.json()) as { uid: string; apiKey: string };
}

/** One autocannon run in a child process (load.ts). */
export function load(spec: LoadSpec): Promise<LoadFigures> {
  // Through a file: a flood's list of values is too long for argv.
  const file = join(tmpdir(), `keystream-load-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['dist/test/bench/load.js', file], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      rmSync(file, { force: true });
      if (error) return reject(error);
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadFigures);
    });
  });
}

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat, in clock ticks of 1/100 s (Linux's USER_HZ). */
export const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

export type Measured = LoadFigures & { cpuMicrosPerRequest?: number };

/**
 * A 1 s warm-up (not counted), then the measured run; fails on any status outside `ok`. With the
 * server's pid, also the server's CPU time per request: on a shared machine, throughput follows how
 * much CPU the other tenants leave, but CPU per request does much less so.
 */
export async function measure(spec: Omit<LoadSpec, 'connections' | 'durationSeconds'> & { connections?: number }, ok: number[], serverPid?: number): Promise<Measured> {
  await load({ connections: CONNECTIONS, ...spec, durationSeconds: 1 });
  const cpuBefore = serverPid === undefined ? 0 : cpuSeconds(serverPid);
  const figures: Measured = await load({ connections: CONNECTIONS, ...spec, durationSeconds: SECONDS });
  if (serverPid !== undefined) figures.cpuMicrosPerRequest = ((cpuSeconds(serverPid) - cpuBefore) * 1e6) / figures.requests;
  const bad = Object.entries(figures.statusCodes).filter(([code]) => !ok.includes(Number(code)));
  if (bad.length > 0 || figures.errors > 0) throw new Error(`${spec.url}: unexpected answers ${JSON.stringify(figures.statusCodes)}, ${figures.errors} errors`);
  return figures;
}

export interface Paired {
  /** The round whose ratio is the median: its figures are the ones reported. */
  baseline: Measured;
  figures: Measured;
  ratio: number;
  ratios: number[];
  /** Baseline CPU per request over the scenario's, the median over the rounds (when both were measured). */
  cpuRatio?: number;
}

/** ROUNDS alternating runs of a baseline and a scenario; the round with the median ratio. */
export async function paired(runBaseline: () => Promise<Measured>, runScenario: () => Promise<Measured>): Promise<Paired> {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const baseline = await runBaseline();
    const figures = await runScenario();
    rounds.push({ baseline, figures, ratio: figures.requestsPerSecond / baseline.requestsPerSecond });
  }
  const sorted = [...rounds].sort((a, b) => a.ratio - b.ratio);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const cpuRatios = rounds
    .filter((round) => round.baseline.cpuMicrosPerRequest && round.figures.cpuMicrosPerRequest)
    .map((round) => round.baseline.cpuMicrosPerRequest! / round.figures.cpuMicrosPerRequest!)
    .sort((a, b) => a - b);
  const cpuRatio = cpuRatios.length > 0 ? cpuRatios[Math.floor(cpuRatios.length / 2)] : undefined;
  return { ...median, ratios: rounds.map((round) => Number(round.ratio.toFixed(3))), cpuRatio };
}

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
