import { newApiKeyValue } from '@keystream/secrets';
import { round, writeResult } from './bench-report.js';
import {
  CONNECTIONS, ROUNDS, type ReadModelKind, SECONDS, type Served, createKey, jwtFor, keystreamStorage, load, measure, paired, startHello, startKeystream,
} from './bench-process.js';
import type { LoadFigures, LoadSpec } from './load.js';

/**
 * Verification speed (issue 11, "How it is measured"), on the embedded default and with PostgreSQL
 * views: forward-auth, JSON verify, a warm GET of a key with the key and with a JWT, each against the
 * bare NestJS + Fastify hello route (hello-app.ts) measured in the same run, the service, the baseline
 * and autocannon each in its own process. Then the forward-auth verify of a valid key alone and while a
 * second load sends well-formed wrong secrets (valid checksum) for the same key id: the valid key's
 * throughput ratio and the event loop's lag p99 (the service's own monitorEventLoopDelay, via /metrics).
 */
const READ_MODELS: ReadModelKind[] = (process.env.BENCH_READ_MODELS ?? 'sqlite,postgres').split(',') as ReadModelKind[];
const FLOOD_VALUES = 2_000;

type Summary = { metric: string; value: number; unit: string; baseline?: { name: string; value: number }; ratio?: number; target?: string; targetMet?: boolean };
const summary: Summary[] = [];
const detail: Record<string, unknown>[] = [];
function label(kind: ReadModelKind): string {
  return kind === 'sqlite' ? 'embedded' : 'PostgreSQL views';
}

const hello = await startHello();
try {
  for (const kind of READ_MODELS) await benchReadModel(kind);
} finally {
  await hello.stop();
}
writeResult('verify', { cpuNote: 'cpuMicrosPerRequest is the server process CPU time over a run divided by its requests; it includes background work (invalidation loop, processors), so at low throughput on a saturated machine it is not a per-request cost: detail only, not in the summary', connections: CONNECTIONS, durationSeconds: SECONDS, rounds: ROUNDS, reported: 'the round with the median ratio', loadGenerator: 'autocannon (child process)', results: detail, summary });

async function benchReadModel(kind: ReadModelKind): Promise<void> {
  const storage = keystreamStorage(kind);
  const server = await startKeystream(storage);
  try {
    const admin = await jwtFor('bench', 'admin', ['tenant-admin']);
    const key = await createKey(server.base, admin, 'bench');
    const verifyBody = JSON.stringify({ key: key.apiKey });
    const scenarios: Array<{ name: string; spec: Omit<LoadSpec, 'connections' | 'durationSeconds'>; ok: number[]; ratioTarget?: number }> = [
      { name: 'forward-auth GET /v1/auth/verify', spec: { url: `${server.base}/v1/auth/verify`, headers: { apikey: key.apiKey } }, ok: [204], ratioTarget: 0.8 },
      { name: 'JSON POST /v1/apiKeys/verify', spec: { url: `${server.base}/v1/apiKeys/verify`, method: 'POST', headers: { apikey: key.apiKey, 'content-type': 'application/json' }, body: verifyBody }, ok: [200] },
      { name: 'GET /v1/apiKeys/{uid} with apiKey (warm)', spec: { url: `${server.base}/v1/apiKeys/${key.uid}`, headers: { apikey: key.apiKey } }, ok: [200], ratioTarget: 0.6 },
      { name: 'GET /v1/apiKeys/{uid} with JWT', spec: { url: `${server.base}/v1/apiKeys/${key.uid}`, headers: { authorization: admin } }, ok: [200] },
    ];
    const p99Target = kind === 'sqlite' ? 5 : 10;
    for (const scenario of scenarios) {
      // The baseline alternates with the scenario, so both see the same machine.
      const { baseline, figures, ratio: exact, ratios, cpuRatio } = await paired(
        () => measure({ url: `${hello.base}/hello` }, [200], hello.child.pid),
        () => measure(scenario.spec, scenario.ok, server.child.pid),
      );
      const ratio = round(exact, 2);
      detail.push({ readModel: kind, scenario: scenario.name, baseline: pick(baseline), figures: pick(figures), ratio, ratiosByRound: ratios, cpuRatio });
      summary.push({
        metric: `${scenario.name}, ${label(kind)}: req/s`,
        value: round(figures.requestsPerSecond, 0),
        unit: 'req/s',
        baseline: { name: 'NestJS + Fastify hello route', value: round(baseline.requestsPerSecond, 0) },
        ratio,
        ...(scenario.ratioTarget ? { target: `>= ${scenario.ratioTarget}x hello`, targetMet: ratio >= scenario.ratioTarget } : {}),
      });
      summary.push({ metric: `${scenario.name}, ${label(kind)}: p50`, value: figures.latencyP50Ms, unit: 'ms' });
      summary.push({
        metric: `${scenario.name}, ${label(kind)}: p99`,
        value: figures.latencyP99Ms,
        unit: 'ms',
        ...(scenario.ratioTarget ? { target: `<= ${p99Target} ms`, targetMet: figures.latencyP99Ms <= p99Target } : {}),
      });
      process.stdout.write(`${kind} ${scenario.name}: ${round(figures.requestsPerSecond, 0)} req/s vs hello ${round(baseline.requestsPerSecond, 0)} (${ratio}x; CPU per request ${round(figures.cpuMicrosPerRequest ?? 0, 0)} vs ${round(baseline.cpuMicrosPerRequest ?? 0, 0)} µs: ${round(cpuRatio ?? 0, 2)}x), p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms\n`);
    }
    await flood(kind, server, key, admin);
    detail.push({ readModel: kind, serverRssMiBAfterRun: round(server.rssMiB(), 1) });
  } finally {
    await server.stop();
    await storage.cleanup();
  }
}

async function flood(kind: ReadModelKind, server: Served, key: { uid: string; apiKey: string }, admin: string): Promise<void> {
  const half = Math.max(1, Math.floor(CONNECTIONS / 2));
  const valid = { url: `${server.base}/v1/auth/verify`, headers: { apikey: key.apiKey }, connections: half };
  // Well-formed values for the same key id with wrong secrets: each passes the checksum and reaches the verifier.
  const wrong = Array.from({ length: FLOOD_VALUES }, () => newApiKeyValue(key.uid));
  if (wrong.includes(key.apiKey)) throw new Error('a flood value equals the real key');

  let lagAlone = 0;
  const lagsUnder: number[] = [];
  let floodFigures: LoadFigures | undefined;
  const { baseline: alone, figures: under, ratio: exact, ratios } = await paired(
    async () => {
      await eventLoopLagP99Ms(server, admin); // each scrape resets prom-client's histogram: the next one covers this run only
      const figures = await measure(valid, [204]);
      lagAlone = await eventLoopLagP99Ms(server, admin);
      return figures;
    },
    async () => {
      await eventLoopLagP99Ms(server, admin);
      const [figures, flooding] = await Promise.all([
        load({ ...valid, durationSeconds: SECONDS }),
        load({ url: `${server.base}/v1/auth/verify`, connections: half, durationSeconds: SECONDS, rotateHeader: { name: 'apikey', values: wrong } }),
      ]);
      lagsUnder.push(await eventLoopLagP99Ms(server, admin));
      floodFigures = flooding;
      if (!Object.keys(flooding.statusCodes).every((code) => code === '401' || code === '429') || Object.keys(figures.statusCodes).some((code) => code !== '204')) {
        throw new Error(`flood: valid ${JSON.stringify(figures.statusCodes)}, wrong secrets ${JSON.stringify(flooding.statusCodes)}`);
      }
      return figures;
    },
  );
  const ratio = round(exact, 2);
  const lagUnder = [...lagsUnder].sort((a, b) => a - b)[Math.floor(lagsUnder.length / 2)]!;
  detail.push({ readModel: kind, scenario: 'forward-auth verify under a wrong-secret flood', alone: pick(alone), underFlood: pick(under), flood: pick(floodFigures!), ratiosByRound: ratios, lagP99MsAloneLastRound: lagAlone, lagP99MsUnderFloodByRound: lagsUnder });
  summary.push({
    metric: `valid-key verify under wrong-secret flood, ${label(kind)}: req/s`,
    value: round(under.requestsPerSecond, 0),
    unit: 'req/s',
    baseline: { name: 'the same verify without the flood', value: round(alone.requestsPerSecond, 0) },
    ratio,
    target: '>= 0.8x',
    targetMet: ratio >= 0.8,
  });
  summary.push({ metric: `event-loop lag p99 under wrong-secret flood (median round), ${label(kind)}`, value: lagUnder, unit: 'ms', target: '< 20 ms', targetMet: lagUnder < 20 });
  process.stdout.write(`${kind} flood: valid ${round(under.requestsPerSecond, 0)} req/s vs ${round(alone.requestsPerSecond, 0)} alone (${ratio}x); flood ${round(floodFigures!.requestsPerSecond, 0)} req/s ${JSON.stringify(floodFigures!.statusCodes)}; lag p99 ${lagUnder} ms (${lagAlone} without)\n`);
}

/** The service's own event-loop delay p99 since the previous scrape (prom-client resets it on each). */
async function eventLoopLagP99Ms(server: Served, token: string): Promise<number> {
  const text = await fetch(`${server.base}/metrics`, { headers: { authorization: token } }).then((r) => r.text());
  const match = /^keystream_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text);
  if (!match) throw new Error(`no event-loop lag in /metrics: ${text.slice(0, 200)}`);
  return round(Number(match[1]) * 1000, 2);
}

function pick(figures: LoadFigures & { cpuMicrosPerRequest?: number }) {
  return {
    requestsPerSecond: round(figures.requestsPerSecond, 0),
    latencyP50Ms: figures.latencyP50Ms,
    latencyP99Ms: figures.latencyP99Ms,
    latencyMaxMs: figures.latencyMaxMs,
    statusCodes: figures.statusCodes,
    cpuMicrosPerRequest: figures.cpuMicrosPerRequest === undefined ? undefined : round(figures.cpuMicrosPerRequest, 1),
  };
}
