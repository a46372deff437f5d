import { round, writeResult } from './bench-report.js';
import { createKey, jwtFor, keystreamStorage, percentile, startKeystream } from './bench-process.js';

/**
 * Cross-instance revocation latency: two Keystream processes share the event log (one DATA_DIR) and
 * PostgreSQL views (one schema). Each key is first verified on the standby (so its row is in the
 * standby's memory), then revoked through the leader; the time from sending the revoke to the
 * standby's first refusal (forward-auth polled back to back) is one sample. Target: 1 s p99.
 */
const REVOKES = Number(process.env.BENCH_REVOKES ?? 200);
const KEYS_PER_OWNER = 10; // the per-user key limit is 20

const storage = keystreamStorage('postgres');
const leader = await startKeystream(storage);
const standby = await startKeystream(storage);
try {
  const keys: Array<{ uid: string; apiKey: string; token: string }> = [];
  for (let i = 0; i < REVOKES; i++) {
    const token = await jwtFor('bench', `owner-${Math.floor(i / KEYS_PER_OWNER)}`, ['tenant-admin']);
    keys.push({ token, ...(await createKey(leader.base, token, `k${i}`)) });
  }
  const standbyAccepts = async (apiKey: string) => (await fetch(`${standby.base}/v1/auth/verify`, { headers: { apikey: apiKey } })).status === 204;
  const latencies: number[] = [];
  for (const key of keys) {
    const deadline = Date.now() + 10_000;
    // Twice accepted: the second answer came from the standby's memory (the first kept the row).
    while (!((await standbyAccepts(key.apiKey)) && (await standbyAccepts(key.apiKey)))) {
      if (Date.now() > deadline) throw new Error('the standby never accepted the key');
    }
    const sent = performance.now();
    const revoked = await fetch(`${leader.base}/v1/apiKeys/${key.uid}/state`, { method: 'PUT', headers: { authorization: key.token, 'content-type': 'application/json' }, body: '{}' });
    if (revoked.status !== 204) throw new Error(`revoke: ${revoked.status} ${await revoked.text()}`);
    while (await standbyAccepts(key.apiKey)) {
      if (performance.now() - sent > 10_000) throw new Error('the standby still accepts a key revoked 10 s ago');
    }
    latencies.push(performance.now() - sent);
  }
  latencies.sort((a, b) => a - b);
  const p50 = round(percentile(latencies, 50), 0);
  const p99 = round(percentile(latencies, 99), 0);
  writeResult('revocation', {
    revokes: REVOKES,
    setup: 'two Keystream processes, one event log (embedded SQLite in a shared DATA_DIR), PostgreSQL views in one shared schema',
    measured: 'from sending the revoke to the leader to the first 401 from the standby (forward-auth polled back to back)',
    latencyMs: { p50, p90: round(percentile(latencies, 90), 0), p99, max: round(latencies.at(-1)!, 0), min: round(latencies[0]!, 0) },
    summary: [
      { metric: `cross-instance revocation latency p50 (${REVOKES} revokes)`, value: p50, unit: 'ms' },
      { metric: `cross-instance revocation latency p99 (${REVOKES} revokes)`, value: p99, unit: 'ms', target: '<= 1000 ms', targetMet: p99 <= 1000 },
    ],
  });
  process.stdout.write(`revocation across instances: p50 ${p50} ms, p99 ${p99} ms over ${REVOKES}\n`);
} finally {
  await standby.stop();
  await leader.stop();
  await storage.cleanup();
}
