import { expect } from 'vitest';
import { apiKeyStreamName, keyListingQueries } from '@keystream/api-keys';
import { type Actor, type ApiResponse, type E2eApp, createBody, tenantWithUsers, waitUntil, withDeadline } from '../../e2e/harness.js';

/**
 * The load a fault drill keeps up while a dependency goes away and comes back: each worker owns one
 * key and loops edit → verify with its apiKey → list → read by uid; one more worker keeps creating
 * keys. Every answer is recorded with the phase it was sent in, so the drill can assert what was
 * answered while the dependency was down and check afterwards that every acknowledged command is in
 * the store and the views exactly once.
 */
export interface Outcome {
  phase: string;
  op: 'edit' | 'verify' | 'list' | 'get' | 'create';
  status: number;
  code?: string;
  retryAfter?: string;
  ms: number;
  /** The edit's new name or the created key's uid: what must be found exactly once. */
  subject?: string;
  keyId?: string;
}

/** A request that takes longer than this counts as a hang: the drill fails naming it. */
export const REQUEST_DEADLINE_MS = 15_000;

export class DrillLoad {
  phase = 'before';
  readonly outcomes: Outcome[] = [];
  readonly keys: { uid: string; apiKey: string }[] = [];
  private running: Promise<void>[] = [];
  private stopping = false;
  private admin!: Actor;
  private user!: Actor;

  private constructor(private readonly app: E2eApp) {}

  /** Creates one key per worker (while everything is up) and starts the loops. */
  static async start(app: E2eApp, workers = 3): Promise<DrillLoad> {
    const load = new DrillLoad(app);
    const { admin, alice } = await tenantWithUsers();
    load.admin = admin;
    load.user = alice;
    for (let i = 0; i < workers; i++) load.keys.push(await app.createKey(alice.headers, createBody(`w${i}-0`)));
    load.phase = 'up';
    DrillLoad.started.add(load);
    load.running = [...load.keys.map((key, i) => load.loop(key, i)), load.createLoop()];
    return load;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    DrillLoad.started.delete(this);
    await Promise.all(this.running);
  }

  /** For afterAll: a drill that failed half-way must not leave its loops calling a closed app. */
  static readonly started = new Set<DrillLoad>();
  static async stopAll(): Promise<void> {
    await Promise.all([...DrillLoad.started].map((load) => load.stop().catch(() => undefined)));
  }

  /** waitUntil on the recorded answers; a timeout shows what was answered so far, by phase. */
  async until(condition: (outcomes: Outcome[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    await waitUntil(() => condition(this.outcomes), timeoutMs, what).catch((error: Error) => {
      throw new Error(`${error.message}; answers so far: ${JSON.stringify(this.summary())}`);
    });
  }

  /** How many answers of this phase (and operation) had this status. */
  count(phase: string, op: Outcome['op'] | undefined, status: number, from = 0): number {
    return this.outcomes.slice(from).filter((o) => o.phase === phase && (op === undefined || o.op === op) && o.status === status).length;
  }

  private async loop(key: { uid: string; apiKey: string }, worker: number): Promise<void> {
    for (let n = 1; !this.stopping; n++) {
      const name = `w${worker}-${n}`;
      await this.send('edit', 'PUT', `/v1/apiKeys/${key.uid}`, { headers: this.user.headers, body: { metadata: { name } } }, name, key.uid);
      await this.send('verify', 'GET', `/v1/apiKeys/${key.uid}`, { headers: { apiKey: key.apiKey } });
      await this.send('list', 'GET', '/v1/apiKeys', { headers: this.admin.headers, query: { limit: 5 } });
      await this.send('get', 'GET', `/v1/apiKeys/${key.uid}`, { headers: this.admin.headers });
    }
  }

  private async createLoop(): Promise<void> {
    for (let n = 1; !this.stopping; n++) {
      const response = await this.send('create', 'POST', '/v1/apiKeys', { headers: this.user.headers, body: createBody(`created-${n}`) });
      if (response.status === 201) this.outcomes.at(-1)!.subject = response.json.uid;
      if (response.status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async send(op: Outcome['op'], method: string, url: string, options: Parameters<E2eApp['call']>[2], subject?: string, keyId?: string): Promise<ApiResponse> {
    const phase = this.phase;
    const started = Date.now();
    const response = await withDeadline(this.app.call(method, url, options), REQUEST_DEADLINE_MS, `${op} ${method} ${url} in phase ${phase}`);
    const retryAfter = response.headers['retry-after'];
    this.outcomes.push({ phase, op, status: response.status, code: response.json?.code, ms: Date.now() - started, subject, keyId,
      ...(retryAfter === undefined ? {} : { retryAfter: String(retryAfter) }) });
    return response;
  }

  /** Each answer is a success or a 503 ServiceUnavailable with Retry-After; nothing else (no 500). */
  expectOnlySuccessOr503(): void {
    const wrong = this.outcomes.filter((o) => !(o.status < 300 || (o.status === 503 && o.code === 'ServiceUnavailable' && Number(o.retryAfter) > 0)));
    expect(wrong.slice(0, 5), `${wrong.length} answers neither a success nor a 503 with Retry-After`).toEqual([]);
  }

  /** How often each phase saw each (operation, status), for the failure message and the log line. */
  summary(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const o of this.outcomes) {
      const row = (out[o.phase] ??= {});
      row[`${o.op} ${o.status}`] = (row[`${o.op} ${o.status}`] ?? 0) + 1;
    }
    return out;
  }

  /** Sends one listing until it answers 200: the service recovered by itself. */
  async waitForRecovery(timeoutMs = 30_000): Promise<void> {
    await waitUntil(async () => (await this.app.call('GET', '/v1/apiKeys', { headers: this.admin.headers, query: { limit: 1 } })).status === 200, timeoutMs, 'the listing to answer 200 again');
  }

  /**
   * Nothing lost or doubled: every acknowledged edit is in its key's stream exactly once (edits that
   * answered 503 at most once, or never with `refusedWroteNothing`), every acknowledged create is a stream, and once the views catch up
   * each key's row shows its stream's last event, the listing holds each key exactly once and nothing
   * else, and every key still verifies.
   */
  async expectNothingLostOrDoubled(options: { refusedWroteNothing?: boolean } = {}, timeoutMs = 20_000): Promise<void> {
    const store = this.app.eventStore();
    for (const key of this.keys) {
      const stream = await store.readStream(apiKeyStreamName(key.uid));
      const names = stream.filter((e) => e.type === 'KeyEdited').map((e) => (e.data as { changes: { name?: { after: string } } }).changes.name?.after);
      expect(new Set(names).size, `a name was recorded twice for ${key.uid}`).toBe(names.length);
      const acknowledged = this.outcomes.filter((o) => o.op === 'edit' && o.keyId === key.uid && o.status === 204).map((o) => o.subject);
      expect(acknowledged.filter((name) => !names.includes(name)), `acknowledged edits missing from ${key.uid}`).toEqual([]);
      if (options.refusedWroteNothing) {
        const refused = this.outcomes.filter((o) => o.op === 'edit' && o.keyId === key.uid && o.status === 503).map((o) => o.subject);
        expect(refused.filter((name) => names.includes(name)), `edits answered 503 but recorded in ${key.uid}`).toEqual([]);
      }
      const last = stream.at(-1)!;
      const listing = keyListingQueries(this.app.readModel().live);
      await waitUntil(async () => (await listing.getKey(this.user.tenant, key.uid))?.revision === Number(last.revision), timeoutMs, `the views to show revision ${last.revision} of ${key.uid}`);
      const row = await listing.getKey(this.user.tenant, key.uid);
      expect(row?.name).toBe(names.at(-1) ?? `w${this.keys.indexOf(key)}-0`);
      expect((await this.app.call('GET', `/v1/apiKeys/${key.uid}`, { headers: { apiKey: key.apiKey } })).status).toBe(200);
    }
    const created = this.outcomes.filter((o) => o.op === 'create' && o.status === 201).map((o) => o.subject!);
    for (const uid of created) expect((await store.readStream(apiKeyStreamName(uid))).map((e) => e.type), uid).toEqual(['KeyCreated']);
    const listed = (await this.app.listAll(this.admin.headers)).items.map((item) => item.metadata.uid as string);
    expect(new Set(listed).size, 'a key is listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual([...this.keys.map((k) => k.uid), ...created].sort());
  }
}
