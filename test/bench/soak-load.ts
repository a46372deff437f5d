import autocannon from 'autocannon';

/**
 * The soak's load generator, a process of its own (started by soak.ts over IPC) so that its CPU and
 * memory never count as the service's. It runs the mixed load in windows of equal length and reports
 * each window's figures per scenario, so the parent can show throughput and p99 over time.
 */
export interface SoakPlan {
  base: string;
  adminToken: string;
  /** Keys whose values are verified (`apiKey` header on GET /v1/apiKeys/{uid}). */
  verifyKeys: { uid: string; apiKey: string }[];
  /** Keys that commands edit (PUT) and revoke/re-activate (PUT .../state). */
  commandKeys: string[];
  windows: number;
  windowSeconds: number;
}

export interface ScenarioWindow {
  scenario: string;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

type Request = { method: string; path: string; headers: Record<string, string>; body?: string };

/** Round-robin over a pool, so concurrent requests mostly touch different keys (no needless conflicts). */
const rotate = <T>(items: T[], make: (item: T, n: number) => Request) => {
  let n = 0;
  return [{ setupRequest: () => { n += 1; return make(items[n % items.length]!, n); } }];
};

const scenarios = (plan: SoakPlan) => {
  const admin = { authorization: `Bearer ${plan.adminToken}` };
  const json = { ...admin, 'content-type': 'application/json' };
  return [
    { name: 'verify: GET /v1/apiKeys/{uid} with apiKey', connections: 16,
      requests: rotate(plan.verifyKeys, (key) => ({ method: 'GET', path: `/v1/apiKeys/${key.uid}`, headers: { apikey: key.apiKey } })) },
    { name: 'commands: PUT /v1/apiKeys/{uid} and PUT .../state', connections: 4,
      requests: rotate(plan.commandKeys, (uid, n) =>
        n % 2 === 0
          ? { method: 'PUT', path: `/v1/apiKeys/${uid}`, headers: json, body: JSON.stringify({ metadata: { name: `soak-${n}`, annotations: { description: `edit ${n}` } } }) }
          : { method: 'PUT', path: `/v1/apiKeys/${uid}/state`, headers: json, body: JSON.stringify({ isActive: n % 4 !== 1 }) }) },
    { name: 'listings: GET /v1/apiKeys?limit=50', connections: 4,
      requests: [{ method: 'GET', path: '/v1/apiKeys?limit=50', headers: admin }] },
    { name: 'audit: GET /v1/audit/events?limit=50', connections: 2,
      requests: [{ method: 'GET', path: '/v1/audit/events?limit=50', headers: admin }] },
  ];
};

const runWindow = async (plan: SoakPlan): Promise<ScenarioWindow[]> =>
  Promise.all(
    scenarios(plan).map(async (scenario) => {
      const result = await autocannon({ url: plan.base, connections: scenario.connections, duration: plan.windowSeconds, timeout: 10, requests: scenario.requests as never });
      const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]));
      return {
        scenario: scenario.name,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes,
      };
    }),
  );

process.once('message', async (plan: SoakPlan) => {
  for (let window = 0; window < plan.windows; window++) {
    process.send!({ window, scenarios: await runWindow(plan) });
  }
  process.disconnect();
});
