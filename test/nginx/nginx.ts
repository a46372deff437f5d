import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createConnection, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's nginx (`.ci/run` installs the package when it is missing). Its absence fails the suite. */
export const NGINX = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createTcpServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });

/**
 * The README's snippet (section "Behind nginx", checked by the spec to be this text): the locations of
 * a server, with an `upstream keystream { ... }` block pointing at Keystream.
 */
export const forwardAuthLocations = (upstream: string): string => `location / {
  auth_request /_keystream/verify;
  auth_request_set $keystream_tenant $upstream_http_x_keystream_tenant;
  auth_request_set $keystream_user $upstream_http_x_keystream_user;
  auth_request_set $keystream_key $upstream_http_x_keystream_key;
  auth_request_set $keystream_scope $upstream_http_x_keystream_scope;
  auth_request_set $keystream_status $upstream_status;
  auth_request_set $keystream_retry_after $upstream_http_retry_after;
  # Set, never passed through: a client cannot send its own identity headers upstream.
  proxy_set_header X-Keystream-Tenant $keystream_tenant;
  proxy_set_header X-Keystream-User $keystream_user;
  proxy_set_header X-Keystream-Key $keystream_key;
  proxy_set_header X-Keystream-Scope $keystream_scope;
  # The key stays at the edge: the upstream gets who the caller is, never the credential.
  proxy_set_header apiKey "";
  # auth_request turns any status but 2xx/401/403 into 500: give a 429 back as a 429.
  error_page 500 = @keystream_error;
  proxy_pass ${upstream};
}

location = /_keystream/verify {
  internal;
  proxy_pass http://keystream/v1/auth/verify;
  proxy_pass_request_body off;
  proxy_set_header Content-Length "";
  proxy_http_version 1.1;
  proxy_set_header Connection "";
}

location @keystream_error {
  if ($keystream_status = 429) {
    add_header Retry-After $keystream_retry_after always;
    return 429;
  }
  return 500;
}
`;

const indent = (text: string, by: string): string => text.trimEnd().split('\n').map((line) => (line ? by + line : line)).join('\n');

/**
 * A whole nginx.conf around the snippet, with the ports filled in and every path in a temp dir; with
 * `plain`, a second server that proxies to the same upstream without Keystream (the gateway bench's baseline).
 */
export const forwardAuthConf = (dir: string, ports: { nginx: number; keystream: number; upstream: number; plain?: number }): string => `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${ports.plain === undefined ? `${dir}/access.log` : 'off'};
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream keystream { server 127.0.0.1:${ports.keystream}; keepalive 16; }

  server {
    listen 127.0.0.1:${ports.nginx};

${indent(forwardAuthLocations(`http://127.0.0.1:${ports.upstream}`), '    ')}
  }
${ports.plain === undefined ? '' : `
  server {
    listen 127.0.0.1:${ports.plain};
    location / { proxy_pass http://127.0.0.1:${ports.upstream}; }
  }`}
}
`;

export interface Echo {
  port: number;
  /** The headers of every request the upstream received, in order. */
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** The service behind nginx: answers 200 with the headers it received. */
export async function startEcho(): Promise<Echo> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(request.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Nginx {
  /** The server with the README's forward-auth locations. */
  port: number;
  /** With `plain`: the server that proxies to the same upstream without Keystream. */
  plainPort?: number;
  stop(): Promise<void>;
}

/**
 * nginx in the foreground (`daemon off`), with its pid, logs and temp files in a temp dir: the one
 * start-up the nginx test and the gateway bench share.
 */
export async function startNginx(ports: { keystream: number; upstream: number }, options: { plain?: boolean } = {}): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX}: install Debian's package (apt-get install nginx), as .ci/run does`);
  const dir = mkdtempSync(join(tmpdir(), 'keystream-nginx-'));
  const port = await freePort();
  const plainPort = options.plain ? await freePort() : undefined;
  writeFileSync(join(dir, 'nginx.conf'), forwardAuthConf(dir, { nginx: port, plain: plainPort, ...ports }));
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => `${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${log()}`);
    if ((await accepts(port)) && (plainPort === undefined || (await accepts(plainPort)))) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`nginx did not listen within 15 s: ${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    plainPort,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
