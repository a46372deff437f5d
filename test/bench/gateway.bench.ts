import { spawn } from 'node:child_process';
import { type Nginx, startNginx } from '../nginx/nginx.js';
import { round, writeResult } from './bench-report.js';
import { CONNECTIONS, ROUNDS, SECONDS, createKey, freePort, jwtFor, keystreamStorage, measure, paired, startKeystream } from './bench-process.js';

/**
 * nginx + Keystream forward-auth + upstream against nginx + the same upstream alone: what putting
 * Keystream in front of a service costs a request. One nginx (Debian's, /usr/sbin/nginx; `.ci/run`
 * installs it) with two servers: one with the README's auth_request locations, one plain proxy_pass.
 * The upstream (upstream-app.ts), Keystream (embedded default), nginx and autocannon are each a process.
 */
const storage = keystreamStorage('sqlite');
const keystream = await startKeystream(storage);
const upstreamPort = await freePort();
const upstream = spawn(process.execPath, ['dist/test/bench/upstream-app.js'], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
let nginx: Nginx | undefined;
try {
  // The README's locations (test/nginx/nginx.ts, as the nginx test runs them) and a plain proxy beside them.
  nginx = await startNginx({ keystream: keystream.port, upstream: upstreamPort }, { plain: true });
  const [guarded, plain] = [nginx.port, nginx.plainPort!];
  const admin = await jwtFor('bench', 'admin', ['tenant-admin']);
  const key = await createKey(keystream.base, admin, 'gateway');
  for (const port of [guarded, plain]) await until(() => fetch(`http://127.0.0.1:${port}/`, { headers: { apikey: key.apiKey } }).then((r) => r.status === 200, () => false));
  if ((await fetch(`http://127.0.0.1:${guarded}/`)).status !== 401) throw new Error('the guarded server let a request without a key through');

  const { baseline, figures, ratio, ratios } = await paired(
    () => measure({ url: `http://127.0.0.1:${plain}/` }, [200]),
    () => measure({ url: `http://127.0.0.1:${guarded}/`, headers: { apikey: key.apiKey } }, [200]),
  );
  writeResult('gateway', {
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    rounds: ROUNDS,
    nginx: 'Debian nginx, worker_processes 1, keepalive 16 to Keystream, a new connection per request to the upstream on both servers',
    alone: { requestsPerSecond: round(baseline.requestsPerSecond, 0), latencyP50Ms: baseline.latencyP50Ms, latencyP99Ms: baseline.latencyP99Ms },
    withKeystream: { requestsPerSecond: round(figures.requestsPerSecond, 0), latencyP50Ms: figures.latencyP50Ms, latencyP99Ms: figures.latencyP99Ms },
    ratiosByRound: ratios,
    summary: [
      { metric: 'nginx + Keystream verify + upstream: req/s', value: round(figures.requestsPerSecond, 0), unit: 'req/s', baseline: { name: 'nginx + upstream alone', value: round(baseline.requestsPerSecond, 0) }, ratio: round(ratio, 2) },
      { metric: 'nginx + Keystream verify + upstream: p99', value: figures.latencyP99Ms, unit: 'ms', baseline: { name: 'nginx + upstream alone', value: baseline.latencyP99Ms } },
    ],
  });
  process.stdout.write(`gateway: ${round(figures.requestsPerSecond, 0)} req/s with Keystream vs ${round(baseline.requestsPerSecond, 0)} alone (${round(ratio, 2)}x)\n`);
} finally {
  await nginx?.stop();
  upstream.kill('SIGTERM');
  await keystream.stop();
  await storage.cleanup();
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('nginx did not answer');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
