import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { createLogger, loadConfig } from '@keystream/config';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { ProcessingRuntime } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { createApp } from '../../apps/api/src/create-app.js';
import { paletteContractViolations } from '../palette/support/palette-contract.js';
import { JWT_SECRET, type Headers } from './support/callers.js';
import type { ApiResponse, CallOptions } from './support/http.js';

/**
 * End-to-end harness: the real app from apps/api (createApp) on a fresh temp DATA_DIR, called
 * through Fastify's inject. The read model is SQLite (embedded) or PostgreSQL with a schema of its
 * own per app (DATABASE_SCHEMA), so suites never see each other's rows or checkpoints.
 *
 * E2E_READ_MODEL=sqlite|postgres runs one variant; unset runs every file against both.
 */
export * from './support/callers.js';
export * from './support/http.js';

export type ReadModelKind = 'sqlite' | 'postgres';
export const READ_MODELS: ReadModelKind[] =
  process.env.E2E_READ_MODEL === 'sqlite' || process.env.E2E_READ_MODEL === 'postgres'
    ? [process.env.E2E_READ_MODEL]
    : ['sqlite', 'postgres'];

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MAX_KEYS_PER_USER = 20;
export const MAX_KEY_LIFETIME_DAYS = 365;

// ---------------------------------------------------------------- the app

export interface E2eApp {
  readonly kind: ReadModelKind;
  readonly dataDir: string;
  readonly app: NestFastifyApplication;
  call(method: string, url: string, options?: CallOptions): Promise<ApiResponse>;
  /** POST /v1/apiKeys and expect 201. */
  createKey(as: Headers, body: unknown): Promise<{ uid: string; apiKey: string }>;
  /** Every page of GET /v1/apiKeys, concatenated; also the raw page texts. */
  listAll(as: Headers, query?: Record<string, string | number | boolean>, limit?: number): Promise<{ items: any[]; pages: ApiResponse[] }>;
  eventStore(): EventStore;
  readModel(): ReadModel;
  /** Commit position of the newest event, as a string ('' for an empty log): "nothing written" checks. */
  head(): Promise<string>;
  /** Stops the app and starts a new one on the same DATA_DIR (and PostgreSQL schema). */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** close() and remove the DATA_DIR and the schema. */
  destroy(): Promise<void>;
  /** The env the app was configured from (for the CLI, or another instance). */
  readonly env: Record<string, string>;
}

export interface StartOptions {
  /**
   * Wait (default) until this instance has taken the processing lease and runs the projections,
   * as a deployment waits for readiness. Off for the test of closing during start-up and for an
   * instance that is not to run them.
   */
  waitForProcessing?: boolean;
}

/** True once the instance runs its processors (the runtime reports its role in the lease). */
const isProcessing = (app: NestFastifyApplication): boolean => {
  const status = app.get(ProcessingRuntime).status() as { role?: string };
  return status.role === undefined || status.role === 'leader';
};

export async function startApp(kind: ReadModelKind, extraEnv: Record<string, string> = {}, options: StartOptions = {}): Promise<E2eApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keystream-e2e-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: JWT_SECRET,
    MAX_KEY_LIFETIME_DAYS: String(MAX_KEY_LIFETIME_DAYS),
    MAX_KEYS_PER_USER: String(MAX_KEYS_PER_USER),
    LOG_LEVEL: 'silent',
    ...(kind === 'postgres' ? await preparePostgres() : { READ_MODEL: 'sqlite' }),
    ...extraEnv,
  };
  const config = loadConfig(env);
  const logger = createLogger(config.LOG_LEVEL);
  const open = async () => {
    const opened = await createApp(loadConfig(env), logger);
    if (options.waitForProcessing !== false) await waitUntil(() => isProcessing(opened), 10_000, 'the processing lease');
    return opened;
  };
  let app = await open();
  let closed = false;

  const call = async (method: string, url: string, options: CallOptions = {}): Promise<ApiResponse> => {
    const payload =
      options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    // Keystream's own tests read its extension members (listmeta, status.expired) unless they test
    // what a client that knows only Palette's spec gets.
    const extensions: Headers = options.paletteOnly ? {} : { 'keystream-extensions': 'true' };
    const headers: Headers = { ...extensions, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
    const query = options.query && Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, String(v)]));
    const response = await app.getHttpAdapter().getInstance().inject({ method: method as 'GET', url, headers, payload, query });
    let json: unknown;
    try {
      json = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    const result = { status: response.statusCode, headers: response.headers, text: response.body, json };
    // Every exchange on a Palette route is checked against Palette's published spec.
    const fullUrl = query ? `${url}?${new URLSearchParams(query)}` : url;
    const violations = paletteContractViolations({ method, url: fullUrl, headers }, result);
    if (violations.length > 0) throw new Error(`Palette contract broken:\n  ${violations.join('\n  ')}`);
    return result;
  };

  const handle: E2eApp = {
    kind,
    dataDir,
    env,
    get app() {
      return app;
    },
    call,
    async createKey(as, body) {
      const response = await call('POST', '/v1/apiKeys', { headers: as, body });
      expect(response.status, response.text).toBe(201);
      return response.json;
    },
    async listAll(as, query = {}, limit = 100) {
      const pages: ApiResponse[] = [];
      const items: any[] = [];
      let cursor = '';
      do {
        const page = await call('GET', '/v1/apiKeys', { headers: as, query: { ...query, limit, ...(cursor ? { continue: cursor } : {}) } });
        expect(page.status, page.text).toBe(200);
        pages.push(page);
        items.push(...page.json.items);
        cursor = page.json.listmeta.continue;
        if (pages.length > 1000) throw new Error('pagination never ends');
      } while (cursor);
      return { items, pages };
    },
    eventStore: () => app.get<EventStore>(EVENT_STORE),
    readModel: () => app.get<ReadModel>(READ_MODEL),
    async head() {
      const head = await app.get<EventStore>(EVENT_STORE).headPosition();
      return head ? head.commit.toString() : '';
    },
    async restart() {
      await handle.close();
      app = await open();
      closed = false;
    },
    async close() {
      if (closed) return;
      closed = true;
      await withDeadline(app.close(), CLOSE_DEADLINE_MS, 'app.close()');
    },
    async destroy() {
      try {
        await handle.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        if (kind === 'postgres') await dropPostgres(env).catch(() => undefined);
      }
    },
  };
  return handle;
}

/** One app per describe block: started before its tests, destroyed after. */
export function useApp(kind: ReadModelKind, extraEnv: Record<string, string> = {}, options: StartOptions = {}): { readonly current: E2eApp } {
  let started: E2eApp | undefined;
  beforeAll(async () => {
    started = await startApp(kind, extraEnv, options);
  });
  afterAll(async () => {
    await started?.destroy();
  });
  return {
    get current() {
      if (!started) throw new Error('the app is not started');
      return started;
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

/** A schema of its own per app (DATABASE_SCHEMA), created by the read model on open, dropped by destroy(). */
async function preparePostgres(): Promise<Record<string, string>> {
  return { READ_MODEL: 'postgres', DATABASE_URL, DATABASE_SCHEMA: `e2e_${randomBytes(6).toString('hex')}` };
}

async function dropPostgres(env: Record<string, string>): Promise<void> {
  await adminQuery(DATABASE_URL, `drop schema if exists "${env.DATABASE_SCHEMA}" cascade`);
}

export async function adminQuery<T = Record<string, unknown>>(connectionString: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- waiting

/** A hung shutdown fails its test with a name instead of the test's timeout. */
export const CLOSE_DEADLINE_MS = 10_000;

export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` until it holds or the deadline passes: the only kind of waiting the e2e tests do. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
