import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { round, writeResult } from './bench-report.js';
import type { ScenarioWindow, SoakPlan } from './soak-load.js';

/**
 * `npm run soak` (not in CI): the built service in one process, a mixed load from another
 * (soak-load.ts: key verifications with `apiKey`, commands, listings, audit reads) for SOAK_SECONDS,
 * in windows of SOAK_WINDOW_SECONDS. Every SAMPLE_MS it reads the service's RSS (/proc) and its
 * event-loop lag (the service's own /metrics). Writes test/bench/results/soak-<read model>-<date>.json
 * and fails if any request failed or RSS grew past SOAK_RSS_GROWTH_BOUND_MIB after the first window.
 *
 * SOAK_READ_MODEL=postgres runs the views on DATABASE_URL (a schema of its own, dropped afterwards).
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WINDOW_SECONDS = Math.min(Number(process.env.SOAK_WINDOW_SECONDS ?? 30), SECONDS);
const READ_MODEL = process.env.SOAK_READ_MODEL === 'postgres' ? 'postgres' : 'sqlite';
const RSS_GROWTH_BOUND_MIB = Number(process.env.SOAK_RSS_GROWTH_BOUND_MIB ?? 64);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PORT = Number(process.env.SOAK_PORT ?? 18_199);
const SAMPLE_MS = 5_000;
const SECRET = 'soak-secret-soak-secret-soak-secret-0123';
const base = `http://127.0.0.1:${PORT}`;

const dataDir = mkdtempSync(join(tmpdir(), 'keystream-soak-'));
const schema = `soak_${randomBytes(5).toString('hex')}`;
const server: ChildProcess = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
  env: {
    ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', MAX_KEYS_PER_USER: '100',
    ...(READ_MODEL === 'postgres' ? { READ_MODEL, DATABASE_URL, DATABASE_SCHEMA: schema } : { READ_MODEL }),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

interface Sample { atSeconds: number; rssMiB: number; heapUsedMiB: number; eventLoopLagP99Ms: number; eventLoopLagMaxMs: number }

const samples: Sample[] = [];
const windows: { window: number; endedAtSeconds: number; scenarios: ScenarioWindow[] }[] = [];
const startedAt = Date.now();
let sampler: NodeJS.Timeout | undefined;
let load: ChildProcess | undefined;

try {
  await waitUntilUp();
  const adminToken = await new SignJWT({ tenant: 'soak', roles: ['tenant-admin'] })
    .setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setExpirationTime(`${SECONDS + 3600}s`).sign(new TextEncoder().encode(SECRET));
  const verifyKeys = await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(adminToken, `verify-${i}`)));
  const commandKeys = (await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(adminToken, `command-${i}`)))).map((key) => key.uid);

  sampler = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);
  await sample();
  const plan: SoakPlan = { base, adminToken, verifyKeys, commandKeys, windows: Math.max(1, Math.round(SECONDS / WINDOW_SECONDS)), windowSeconds: WINDOW_SECONDS };
  load = fork(fileURLToPath(new URL('./soak-load.js', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    load!.on('message', (message: { window: number; scenarios: ScenarioWindow[] }) => {
      windows.push({ ...message, endedAtSeconds: secondsSinceStart() });
      const line = message.scenarios.map((s) => `${s.scenario.split(':')[0]} ${s.requestsPerSecond}/s p99 ${s.latencyP99Ms} ms${s.non2xx + s.errors ? ` (${s.non2xx} non-2xx, ${s.errors} errors)` : ''}`);
      process.stdout.write(`[soak ${READ_MODEL}] window ${message.window + 1}/${plan.windows}: ${line.join(' | ')} | rss ${samples.at(-1)?.rssMiB} MiB\n`);
    });
    load!.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the load generator exited with ${code}`))));
    load!.send(plan);
  });
  clearInterval(sampler);
  await sample();
  report();
} finally {
  clearInterval(sampler);
  load?.kill('SIGKILL');
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  if (READ_MODEL === 'postgres') await dropSchema().catch(() => undefined);
}

function report(): void {
  const all = windows.flatMap((w) => w.scenarios);
  const failures = all.reduce((sum, s) => sum + s.non2xx + s.errors + s.timeouts, 0);
  // Growth is measured from the end of the first window (caches, JIT and pools warm) to the end.
  const warm = samples.find((s) => s.atSeconds >= (windows[0]?.endedAtSeconds ?? 0)) ?? samples[0]!;
  const last = samples.at(-1)!;
  const rssGrowthMiB = round(last.rssMiB - warm.rssMiB, 1);
  const byScenario = [...new Set(all.map((s) => s.scenario))].map((scenario) => {
    const rows = all.filter((s) => s.scenario === scenario);
    return {
      scenario,
      requests: rows.reduce((sum, s) => sum + s.requests, 0),
      requestsPerSecondMean: Math.round(rows.reduce((sum, s) => sum + s.requestsPerSecond, 0) / rows.length),
      requestsPerSecondMinWindow: Math.min(...rows.map((s) => s.requestsPerSecond)),
      latencyP99MsWorstWindow: Math.max(...rows.map((s) => s.latencyP99Ms)),
      failures: rows.reduce((sum, s) => sum + s.non2xx + s.errors + s.timeouts, 0),
    };
  });
  const summary = {
    readModel: READ_MODEL, durationSeconds: SECONDS, windowSeconds: WINDOW_SECONDS, failures, byScenario,
    rssMiB: { start: samples[0]!.rssMiB, afterFirstWindow: warm.rssMiB, end: last.rssMiB, max: Math.max(...samples.map((s) => s.rssMiB)) },
    rssGrowthAfterWarmUpMiB: rssGrowthMiB, rssGrowthBoundMiB: RSS_GROWTH_BOUND_MIB,
    eventLoopLagP99MsWorstSample: Math.max(...samples.map((s) => s.eventLoopLagP99Ms)),
    eventLoopLagMaxMs: Math.max(...samples.map((s) => s.eventLoopLagMaxMs)),
  };
  const date = new Date().toISOString().slice(0, 16).replace(':', '');
  writeResult(`soak-${READ_MODEL}-${date}`, { summary, windows, samples });
  console.table(byScenario);
  console.log(JSON.stringify({ ...summary, byScenario: undefined }, null, 2));
  if (failures > 0) throw new Error(`${failures} requests failed during the soak`);
  if (rssGrowthMiB > RSS_GROWTH_BOUND_MIB) throw new Error(`RSS grew ${rssGrowthMiB} MiB after warm-up, over the ${RSS_GROWTH_BOUND_MIB} MiB bound`);
}

async function sample(): Promise<void> {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  const metric = (name: string) => Number(new RegExp(`^keystream_${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  samples.push({
    atSeconds: secondsSinceStart(),
    rssMiB: round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, 1),
    heapUsedMiB: round(metric('nodejs_heap_size_used_bytes') / 2 ** 20, 1),
    eventLoopLagP99Ms: round(metric('nodejs_eventloop_lag_p99_seconds') * 1000, 1),
    eventLoopLagMaxMs: round(metric('nodejs_eventloop_lag_max_seconds') * 1000, 1),
  });
}

async function createKey(token: string, name: string): Promise<{ uid: string; apiKey: string }> {
  const response = await fetch(`${base}/v1/apiKeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { expiry: new Date(Date.now() + 30 * 86_400_000).toISOString() } }),
  });
  if (response.status !== 201) throw new Error(`creating a soak key answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<{ uid: string; apiKey: string }>;
}

async function waitUntilUp(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the service did not start');
}

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
}

function secondsSinceStart(): number {
  return round((Date.now() - startedAt) / 1000, 1);
}
