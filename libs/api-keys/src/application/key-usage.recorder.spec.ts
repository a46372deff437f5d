import { describe, expect, it } from 'vitest';
import type { KeyUsage, KeyUsageStore } from '../views/key-usage/key-usage.store.js';
import { KEY_USAGE_WRITE_INTERVAL_MS, KeyUsageRecorder } from './key-usage.recorder.js';

class RecordingStore implements KeyUsageStore {
  readonly batches: KeyUsage[][] = [];
  failing = false;
  async save(usages: readonly KeyUsage[]) {
    if (this.failing) throw new Error('read model down');
    this.batches.push(usages.map((usage) => ({ ...usage, lastUsedFrom: [...usage.lastUsedFrom] })));
  }
}

const t0 = Date.UTC(2026, 11, 3, 10);
const at = (ms: number) => new Date(t0 + ms);

describe('KeyUsageRecorder', () => {
  it('writes nothing on the request path: a use only waits for the next flush', async () => {
    const store = new RecordingStore();
    const recorder = new KeyUsageRecorder(store);
    recorder.record('k1', 't1', '10.0.0.1', at(0));
    expect(store.batches).toHaveLength(0);
    await recorder.flush({ now: t0 });
    expect(store.batches).toEqual([[{ keyId: 'k1', tenantId: 't1', lastUsedAt: at(0).toISOString(), lastUsedFrom: ['10.0.0.1'] }]]);
    await recorder.onModuleDestroy();
  });

  it('writes a key at most once a minute, then with its newest use and addresses', async () => {
    const store = new RecordingStore();
    const recorder = new KeyUsageRecorder(store);
    recorder.record('k1', 't1', '10.0.0.1', at(0));
    await recorder.flush({ now: t0 });
    for (let i = 1; i <= 100; i++) recorder.record('k1', 't1', `10.0.1.${i % 4}`, at(i * 100));
    await recorder.flush({ now: t0 + 30_000 });
    await recorder.flush({ now: t0 + KEY_USAGE_WRITE_INTERVAL_MS - 1 });
    expect(store.batches).toHaveLength(1);
    await recorder.flush({ now: t0 + KEY_USAGE_WRITE_INTERVAL_MS });
    expect(store.batches).toHaveLength(2);
    expect(store.batches[1]).toEqual([{ keyId: 'k1', tenantId: 't1', lastUsedAt: at(10_000).toISOString(), lastUsedFrom: ['10.0.1.0', '10.0.1.3', '10.0.1.2'] }]);
    await recorder.onModuleDestroy();
  });

  it('batches every due key into one write, and writes a key first used meanwhile at once', async () => {
    const store = new RecordingStore();
    const recorder = new KeyUsageRecorder(store);
    recorder.record('k1', 't1', undefined, at(0));
    await recorder.flush({ now: t0 });
    recorder.record('k1', 't1', undefined, at(1_000));
    recorder.record('k2', 't1', undefined, at(1_000));
    recorder.record('k3', 't2', undefined, at(1_000));
    await recorder.flush({ now: t0 + 2_000 });
    expect(store.batches[1]!.map((usage) => usage.keyId).sort()).toEqual(['k2', 'k3']);
    expect(store.batches[1]![0]!.lastUsedFrom).toEqual([]);
    await recorder.onModuleDestroy();
    // At shutdown every pending use is written, due or not.
    expect(store.batches[2]!.map((usage) => usage.keyId)).toEqual(['k1']);
  });

  it('keeps the uses when a write fails, and writes them with any newer use next time', async () => {
    const store = new RecordingStore();
    const recorder = new KeyUsageRecorder(store);
    recorder.record('k1', 't1', '10.0.0.1', at(0));
    store.failing = true;
    await recorder.flush({ now: t0 });
    recorder.record('k1', 't1', '10.0.0.2', at(500));
    store.failing = false;
    await recorder.flush({ now: t0 + 1_000 });
    expect(store.batches).toEqual([[{ keyId: 'k1', tenantId: 't1', lastUsedAt: at(500).toISOString(), lastUsedFrom: ['10.0.0.2', '10.0.0.1'] }]]);
    await recorder.onModuleDestroy();
  });

  it('keeps each address once, newest first: an address used again moves to the front, the oldest past three is dropped', async () => {
    const store = new RecordingStore();
    const recorder = new KeyUsageRecorder(store);
    const sources = ['a', 'b', 'a', 'c', 'b', 'd', 'd', 'c'];
    sources.forEach((source, i) => recorder.record('k1', 't1', source, at(i)));
    recorder.record('k1', 't1', undefined, at(sources.length));
    await recorder.flush({ all: true, now: t0 + 10_000 });
    expect(store.batches[0]![0]!.lastUsedFrom).toEqual(['c', 'd', 'b']);
    await recorder.onModuleDestroy();
  });
});
