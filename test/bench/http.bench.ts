import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { round, writeResult } from './bench-report.js';

/**
 * Requests per second and latency of the built service (a separate process, embedded SQLite) under
 * autocannon on loopback: the unauthenticated /healthz route as the ceiling, then a key read
 * authenticated by `apiKey` (warm verification cache) and by JWT. The target from FACTS.md: a warm
 * authenticated request at 0.7x the hello route or better.
 */
const PORT = 18_099;
const SECRET = 'bench-secret-bench-secret-bench-secret';
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const base = `http://127.0.0.1:${PORT}`;

const dataDir = mkdtempSync(join(tmpdir(), 'keystream-bench-'));
const server: ChildProcess = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
  // The per-IP and per-tenant limits are off: the bench measures the server's ceiling from one address.
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TENANT: '0' },
  stdio: ['ignore', 'ignore', 'inherit'],
});

try {
  await waitUntilUp();
  const token = await new SignJWT({ tenant: 'bench', roles: ['tenant-admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('admin')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
  const created = await fetch(`${base}/v1/apiKeys`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'bench' }, spec: { expiry: new Date(Date.now() + 86_400_000).toISOString() } }),
  }).then((response) => response.json() as Promise<{ uid: string; apiKey: string }>);

  const scenarios = [
    { name: 'GET /healthz (no auth, ceiling)', path: '/healthz', headers: {} },
    { name: 'GET /v1/apiKeys/{uid} with apiKey (warm)', path: `/v1/apiKeys/${created.uid}`, headers: { apikey: created.apiKey } },
    { name: 'GET /v1/apiKeys/{uid} with JWT', path: `/v1/apiKeys/${created.uid}`, headers: { authorization: token } },
  ];
  const results = [];
  for (const scenario of scenarios) {
    const result = await autocannon({ url: `${base}${scenario.path}`, headers: scenario.headers, connections: CONNECTIONS, duration: DURATION_SECONDS });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${scenario.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    results.push({ scenario: scenario.name, requestsPerSecond: round(result.requests.average, 0), latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 });
  }
  const rssMiB = round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, 1);
  const ratio = round(results[1]!.requestsPerSecond / results[0]!.requestsPerSecond, 2);
  writeResult('http', { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, results, serverRssMiBAfterRun: rssMiB, apiKeyToCeilingRatio: ratio, target: 'apiKeyToCeilingRatio >= 0.7', targetMet: ratio >= 0.7 });
  console.table(results);
} finally {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

async function waitUntilUp(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the service did not start');
}
