import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeApiKeyEvent } from '@keystream/api-keys';
import { type EventStore, InMemoryEventStore, formatPosition } from '@keystream/event-store';
import { CheckpointMovedError, CheckpointedProcessor, type Projection, rebuildProjections } from '@keystream/processing';
import { type ReadModel, type ViewSchema, openSqliteReadModel } from '@keystream/read-model';
import type { AuditPublisher } from './audit-publisher.port.js';
import { AUDIT_RELAY, auditRelay } from './audit-relay.js';
import { InMemoryAuditPublisher } from './adapters/in-memory/in-memory.audit-publisher.js';
import { relayLag } from './relay-lag.js';
import { waitUntil } from './contract/wait-until.js';

const silent = { info() {}, warn() {}, error() {} };
const metadata = { schemaVersion: 1, tenantId: 't1', actor: { userId: 'u1', via: 'jwt' }, correlationId: 'c', occurredAt: '2026-11-22T10:00:00.000Z' };

/** Appends `count` revoke/reactivate-shaped key events to key `keyId`'s stream; returns their ids. */
async function appendKeyEvents(store: EventStore, keyId: string, count: number): Promise<string[]> {
  const existing = (await store.readStream(`apikey-${keyId}`)).length;
  const at = '2026-11-22T10:00:00.000Z';
  const events = Array.from({ length: count }, (_, i) => {
    const revoke = (existing + i) % 2 === 0;
    return {
      id: randomUUID(),
      type: revoke ? 'KeyRevoked' : 'KeyReactivated',
      data: { tenantId: 't1', keyId, ownerId: 'u1', ...(revoke ? { revokedAt: at } : { reactivatedAt: at }) },
      metadata,
    };
  });
  await store.appendToStream(`apikey-${keyId}`, events, existing === 0 ? 'no_stream' : BigInt(existing - 1));
  return events.map((event) => event.id);
}


/** A view with no tables: enough for a rebuild to open a shadow and swap its checkpoint in. */
const LISTING_TEST_VIEW: ViewSchema = { name: 'listing-test', tables: [], migrations: {}, createCurrent: async () => undefined };

describe('audit relay', () => {
  let store: InMemoryEventStore;
  let readModel: ReadModel;
  let publisher: InMemoryAuditPublisher;
  let processor: CheckpointedProcessor | undefined;

  const startRelay = (relayPublisher: AuditPublisher = publisher) => {
    processor = new CheckpointedProcessor(store, auditRelay(relayPublisher, readModel, decodeApiKeyEvent), silent, { maxBackoffMs: 50 });
    processor.start();
    return processor;
  };
  const caughtUp = async () => {
    const head = formatPosition((await store.headPosition())!);
    await waitUntil(`relay checkpoint at ${head}`, () => readModel.getCheckpoint(AUDIT_RELAY), (checkpoint) => checkpoint === head);
  };
  const publishedIds = () => publisher.messages.map((message) => message.event.id);

  beforeEach(async () => {
    store = new InMemoryEventStore();
    readModel = await openSqliteReadModel(':memory:', [LISTING_TEST_VIEW]);
    publisher = new InMemoryAuditPublisher();
  });
  afterEach(async () => {
    await processor?.stop();
    processor = undefined;
    await readModel.close();
  });

  it('publishes every key event once, in store order, and skips everything else', async () => {
    const first = await appendKeyEvents(store, 'k1', 3);
    await store.appendToStream('other-1', [{ id: randomUUID(), type: 'Unrelated', data: {}, metadata: {} }], 'no_stream');
    const second = await appendKeyEvents(store, 'k2', 2);
    await store.appendToStream('apikey-k1', [{ id: randomUUID(), type: 'KeyRenamedSomeday', data: {}, metadata: {} }], 2n);
    const third = await appendKeyEvents(store, 'k1', 1);
    startRelay();
    await caughtUp();
    expect(publishedIds()).toEqual([...first, ...second, ...third]);
    expect(publisher.messages.map((message) => message.key)).toEqual(['k1', 'k1', 'k1', 'k2', 'k2', 'k1']);
  });

  it('sends a catch-up of 1,200 events in a few batched publishes', async () => {
    for (let key = 0; key < 12; key++) await appendKeyEvents(store, `k${key}`, 100);
    startRelay();
    await caughtUp();
    expect(publishedIds()).toHaveLength(1200);
    expect(publisher.publishCalls).toBeLessThanOrEqual(4);
  });

  it('moves the checkpoint only once the publish is acknowledged', async () => {
    let acknowledge!: () => void;
    const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
    const gated: AuditPublisher = { publish: async (messages) => (await acknowledged, publisher.publish(messages)), close: async () => {} };
    await appendKeyEvents(store, 'k1', 2);
    startRelay(gated);
    await waitUntil('the relay to be publishing', () => processor!.status().state, (state) => state === 'catching-up');
    expect(await readModel.getCheckpoint(AUDIT_RELAY)).toBeUndefined();
    acknowledge();
    await caughtUp();
    expect(publishedIds()).toHaveLength(2);
  });

  it('keeps accepting events while the bus is down, retries, shows its lag, and catches up losing nothing', async () => {
    const before = await appendKeyEvents(store, 'k1', 3);
    startRelay();
    await caughtUp();
    publisher.outage();
    const during = [...(await appendKeyEvents(store, 'k1', 4)), ...(await appendKeyEvents(store, 'k2', 3))];
    await waitUntil('a failed publish', () => processor!.status(), (status) => status.state === 'retrying' && status.failures >= 2);
    expect(await relayLag(store, readModel)).toMatchObject({ eventsBehind: 7, eventsBehindIsLowerBound: false });
    publisher.recover();
    await caughtUp();
    expect(publishedIds()).toEqual([...before, ...during]);
    expect(await relayLag(store, readModel)).toMatchObject({ eventsBehind: 0 });
  });

  it('refuses to move a checkpoint another relay instance moved first', async () => {
    await appendKeyEvents(store, 'k1', 2);
    const [event] = (await store.readAll({ maxCount: 1, filter: { streamNamePrefixes: ['apikey-'] } })).events;
    await readModel.transaction((tx) => tx.compareAndSetCheckpoint(AUDIT_RELAY, undefined, '2/2'));
    const relay = auditRelay(publisher, readModel, decodeApiKeyEvent);
    await expect(relay.consume([event!], { expected: undefined, next: '1/1' })).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await readModel.getCheckpoint(AUDIT_RELAY)).toBe('2/2');
  });

  it('is never driven by a projection rebuild', async () => {
    await appendKeyEvents(store, 'k1', 5);
    startRelay();
    await caughtUp();
    const checkpoint = await readModel.getCheckpoint(AUDIT_RELAY);
    const listing: Projection = { name: LISTING_TEST_VIEW.name, version: 1, filter: { streamNamePrefixes: ['apikey-'] }, applyBatch: async () => {} };
    await rebuildProjections(store, readModel, [listing]);
    expect(await readModel.getCheckpoint(AUDIT_RELAY)).toBe(checkpoint);
    const [later] = await appendKeyEvents(store, 'k1', 1);
    await caughtUp();
    expect(publishedIds()).toHaveLength(6);
    expect(publishedIds().at(-1)).toBe(later);
  });

  it('reports the lag as events behind, bounded by the count limit', async () => {
    for (let key = 0; key < 3; key++) await appendKeyEvents(store, `k${key}`, 10);
    expect(await relayLag(store, readModel)).toEqual({ name: AUDIT_RELAY, head: '30/30', eventsBehind: 30, eventsBehindIsLowerBound: false });
    expect(await relayLag(store, readModel, { countLimit: 25 })).toMatchObject({ eventsBehind: 25, eventsBehindIsLowerBound: true });
    startRelay();
    await caughtUp();
    expect(await relayLag(store, readModel)).toEqual({ name: AUDIT_RELAY, checkpoint: '30/30', head: '30/30', eventsBehind: 0, eventsBehindIsLowerBound: false });
  });
});
