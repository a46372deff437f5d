/**
 * Generates the console's typed API client from Keystream's own OpenAPI document, so the console and
 * the API cannot drift apart. The document comes from createApp itself (no server, no build needed):
 * `node --import ./test/setup/register-ts.mjs scripts/console/generate-client.ts`.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApi } from 'swagger-typescript-api';
import { createLogger, loadConfig } from '@keystream/config';
import { createApp } from '../../apps/api/src/create-app.js';

const output = fileURLToPath(new URL('../../apps/console/src/api/generated', import.meta.url));

async function exportDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keystream-openapi-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RUN_PROCESSORS: 'false' });
    const app = await createApp(config, createLogger('silent'));
    try {
      const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs/openapi.json' });
      if (response.statusCode !== 200) throw new Error(`GET /docs/openapi.json answered ${response.statusCode}`);
      return JSON.parse(response.body);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const spec = await exportDocument();
mkdirSync(output, { recursive: true });
writeFileSync(join(output, 'openapi.json'), `${JSON.stringify(spec, null, 2)}\n`);
await generateApi({ spec, output, fileName: 'keystream-api.ts', httpClientType: 'fetch', silent: true, unwrapResponseData: false });
process.stdout.write(`console API client generated in ${output}\n`);
