import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@keystream/config';
import { createApp } from '../../apps/api/src/create-app.js';
import { JWT_SECRET, createBody, tenantWithUsers } from './harness.js';

/**
 * GET /v1/auth/verify as createApp serves it, over a real socket: answered by the plain Fastify
 * handler createApp installs (the controller's own method only fails closed), once per request.
 */
describe('forward-auth route as createApp installs it', () => {
  const lines: string[] = [];
  let app: NestFastifyApplication;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keystream-e2e-'));
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ level: 'warn' }, sink);
    app = await createApp(loadConfig({ DATA_DIR: dataDir, AUTH_JWT_SECRET: JWT_SECRET, READ_MODEL: 'sqlite', RATE_LIMIT_PER_IP: '0', LOG_LEVEL: 'warn' }), logger);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a valid key with 204 and the identity headers (the installed handler, not the controller method)', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const created = await fetch(`${base}/v1/apiKeys`, { method: 'POST', headers: { ...alice.headers, 'content-type': 'application/json' }, body: JSON.stringify(createBody('fwd')) });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { uid: string; apiKey: string };
    const response = await fetch(`${base}/v1/auth/verify`, { headers: { apikey: key.apiKey } });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-keystream-tenant')).toBe(tenant);
    expect(response.headers.get('x-keystream-key')).toBe(key.uid);
  });

  it('sends each refusal once: no second send into the error handler, nothing logged per request', async () => {
    lines.length = 0;
    for (const headers of [{ apikey: 'ks_garbage' }, {}, { authorization: 'Bearer not-a-jwt' }] as Record<string, string>[]) {
      for (const accept of ['application/json', '*/*']) {
        const response = await fetch(`${base}/v1/auth/verify`, { headers: { ...headers, accept } });
        expect(response.status).toBe(401);
        expect(((await response.json()) as { code: string }).code).toBe('Unauthorized');
      }
    }
    // The onSend hooks run after the handler's promise: give a second send time to happen.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.join('')).toBe('');
  });
});
