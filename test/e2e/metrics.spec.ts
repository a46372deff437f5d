import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { READ_MODELS, createBody, tenantWithUsers, useApp, waitUntil } from './harness.js';

/** One sample's value from the exposition text (0 when absent). */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number => {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe.each(READ_MODELS)('/metrics for the hot paths (%s read model)', (kind) => {
  const h = useApp(kind);
  const scrape = async () => (await h.current.call('GET', '/metrics')).text;

  it('counts verification outcomes by reason and times the verification routes and commands by route and outcome', async () => {
    const { alice } = await tenantWithUsers();
    const before = await scrape();
    const key = await h.current.createKey(alice.headers, createBody('measured'));
    expect((await h.current.call('GET', '/v1/auth/verify', { headers: { apiKey: key.apiKey } })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/auth/verify', { headers: { apiKey: 'ks_nope' } })).status).toBe(401);
    expect((await h.current.call('POST', '/v1/apiKeys/verify', { headers: alice.headers, body: { key: key.apiKey } })).status).toBe(200);
    expect((await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: {} })).status).toBe(204);
    expect((await h.current.call('GET', '/v1/auth/verify', { headers: { apiKey: key.apiKey } })).status).toBe(401);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('keystream_key_verifications_total', { code: 'VALID' })).toBe(2);
    expect(delta('keystream_key_verifications_total', { code: 'MALFORMED' })).toBe(1);
    expect(delta('keystream_key_verifications_total', { code: 'REVOKED' })).toBe(1);
    expect(delta('keystream_verification_duration_seconds_count', { route: '/v1/auth/verify', outcome: '204' })).toBe(1);
    expect(delta('keystream_verification_duration_seconds_count', { route: '/v1/auth/verify', outcome: '401' })).toBe(2);
    expect(delta('keystream_verification_duration_seconds_count', { route: '/v1/apiKeys/verify', outcome: '200' })).toBe(1);
    expect(delta('keystream_command_duration_seconds_count', { route: '/v1/apiKeys', method: 'POST', outcome: '201' })).toBe(1);
    expect(delta('keystream_command_duration_seconds_count', { route: '/v1/apiKeys/:uid/state', method: 'PUT', outcome: '204' })).toBe(1);
    expect(sample(after, 'keystream_verification_cache_rows')).toBeGreaterThanOrEqual(0);
  });

  it('reports the projections’ lag and the verification cache’s', async () => {
    await waitUntil(async () => sample(await scrape(), 'keystream_verification_cache_lag_seconds') >= 0, 5_000, 'the cache’s first look');
    const text = await scrape();
    expect(text).toMatch(/^keystream_projection_lag_events\{projection="[^"]+"\} 0$/m);
    expect(text).toMatch(/^keystream_projection_lag_seconds\{projection="[^"]+"\} 0$/m);
    expect(sample(text, 'keystream_verification_cache_lag_seconds')).toBeLessThan(1);
  });

  it('exposes every metric the Grafana dashboard reads (docs/grafana/keystream-hot-paths.json)', async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana/keystream-hot-paths.json', 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((panel: { targets: { expr: string }[] }) => panel.targets.map((target) => target.expr));
    const names = new Set(exprs.flatMap((expr) => expr.match(/keystream_[a-z_]+/g) ?? []));
    const text = await scrape();
    // The relay's gauges exist only where it runs (AUDIT_SINK=kafka): the Kafka suites are where they show.
    const exposed = (name: string) => new RegExp(`^# TYPE ${name.replace(/_(bucket|count|sum|total)$/, '')} `, 'm').test(text) || new RegExp(`^# TYPE ${name} `, 'm').test(text);
    const missing = [...names].filter((name) => !name.startsWith('keystream_audit_relay_') && !exposed(name));
    expect(missing).toEqual([]);
    expect(names.size).toBeGreaterThan(8);
  });
});
