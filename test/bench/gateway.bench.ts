import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, writeResult } from './bench-report.js';
import { CONNECTIONS, ROUNDS, SECONDS, createKey, freePort, jwtFor, keystreamStorage, measure, paired, startKeystream } from './bench-process.js';

/**
 * nginx + Keystream forward-auth + upstream against nginx + the same upstream alone: what putting
 * Keystream in front of a service costs a request. One nginx (Debian's, /usr/sbin/nginx; `.ci/run`
 * installs it) with two servers: one with the README's auth_request locations, one plain proxy_pass.
 * The upstream (upstream-app.ts), Keystream (embedded default), nginx and autocannon are each a process.
 */
const NGINX = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';
if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX}: apt-get install nginx (as .ci/run does)`);

const storage = keystreamStorage('sqlite');
const keystream = await startKeystream(storage);
const upstreamPort = await freePort();
const upstream = spawn(process.execPath, ['dist/test/bench/upstream-app.js'], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'keystream-bench-nginx-'));
let nginx: ChildProcess | undefined;
try {
  const [guarded, plain] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'nginx.conf'), conf(dir, { guarded, plain, keystream: keystream.port, upstream: upstreamPort }));
  nginx = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
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
    nginx: 'Debian nginx, worker_processes 1, keepalive 16 to Keystream',
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
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  upstream.kill('SIGTERM');
  await keystream.stop();
  await storage.cleanup();
  rmSync(dir, { recursive: true, force: true });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('nginx did not answer');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The README's "Behind nginx" locations (as test/nginx/nginx.ts writes them), and a plain proxy beside them. */
function conf(dir: string, ports: { guarded: number; plain: number; keystream: number; upstream: number }): string {
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream keystream { server 127.0.0.1:${ports.keystream}; keepalive 16; }
  upstream app { server 127.0.0.1:${ports.upstream}; keepalive 16; }

  server {
    listen 127.0.0.1:${ports.plain};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }

  server {
    listen 127.0.0.1:${ports.guarded};
    location / {
      auth_request /_keystream/verify;
      auth_request_set $keystream_tenant $upstream_http_x_keystream_tenant;
      auth_request_set $keystream_user $upstream_http_x_keystream_user;
      auth_request_set $keystream_key $upstream_http_x_keystream_key;
      auth_request_set $keystream_scope $upstream_http_x_keystream_scope;
      proxy_set_header X-Keystream-Tenant $keystream_tenant;
      proxy_set_header X-Keystream-User $keystream_user;
      proxy_set_header X-Keystream-Key $keystream_key;
      proxy_set_header X-Keystream-Scope $keystream_scope;
      proxy_set_header apiKey "";
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location = /_keystream/verify {
      internal;
      proxy_pass http://keystream/v1/auth/verify;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}
