import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseBrokers } from '@keystream/audit-bus';
import { KafkaTopicReader, type RawKafkaMessage, deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { type IssuedKey, KeyActivity, admin, system, user } from './support/key-activity.js';
import { type Workspace, openStores, relayCaughtUp, startRelay, workspace } from './support/audit-pipeline.js';

const brokers = parseBrokers(inject('kafkaBrokers'));

/** Everything a message puts on the wire, as one buffer: key, value, header names and values. */
const wireBytes = (message: RawKafkaMessage): Buffer =>
  Buffer.concat([
    message.key ?? Buffer.alloc(0),
    message.value ?? Buffer.alloc(0),
    ...Object.entries(message.headers).flatMap(([name, value]) => [Buffer.from(name), Buffer.from(value as Buffer)]),
  ]);

/** The key value and every part of its stored hash that could identify the secret. */
const keyMaterial = (key: IssuedKey): string[] => {
  const [, , salt, derived] = key.secretHash.split('$');
  return [key.value, key.value.split('_')[2]!, key.secretHash, salt!, derived!];
};

describe('every key command, relayed to a real Kafka broker', () => {
  let space: Workspace;
  let stores: Awaited<ReturnType<typeof openStores>>;
  let relay: ReturnType<typeof startRelay>;
  let reader: KafkaTopicReader;
  let byId: Map<string, RawKafkaMessage[]>;
  const issued: IssuedKey[] = [];
  const commands: { eventId: string; expect: Record<string, unknown>; keyUid?: string; tenant?: string }[] = [];

  beforeAll(async () => {
    space = workspace();
    stores = await openStores(space);
    const keys = new KeyActivity(stores.eventStore);
    const lastEventId = async () => (await stores.eventStore.readAll({ maxCount: 10_000, filter: { streamNamePrefixes: ['apikey-'] } })).events.at(-1)!.id;
    const record = async (expected: Record<string, unknown>) => commands.push({ eventId: await lastEventId(), expect: expected });
    const eventIdsOf = async (keyId: string) => (await stores.eventStore.readStream(`apikey-${keyId}`)).map((event) => event.id);

    const k1 = await keys.create(admin('acme', 'ada'), 'bob', 'deploy');
    issued.push(k1);
    await record({ type: 'created', actor: { userUid: 'ada', via: 'jwt' }, data: { ownerUid: 'bob', key: { name: 'deploy', description: '', scope: 'user' } } });
    await keys.edit(k1.keyId, user('acme', 'bob', 'apiKey', k1.keyId), { name: 'deploy-prod', description: 'prod only', expiresInDays: 60 });
    await record({ type: 'edited', actor: { userUid: 'bob', via: 'apiKey', keyUid: k1.keyId }, data: { changes: { name: { before: 'deploy', after: 'deploy-prod' }, description: { before: '', after: 'prod only' } } } });
    await keys.revoke(k1.keyId, user('acme', 'bob'));
    await record({ type: 'revoked', actor: { userUid: 'bob', via: 'jwt' } });
    await keys.reactivate(k1.keyId, admin('acme', 'ada'));
    await record({ type: 'reactivated', actor: { userUid: 'ada', via: 'jwt' } });
    const rotated = await keys.rotate(k1.keyId, user('acme', 'bob'), 3600);
    await record({ type: 'rotated', actor: { userUid: 'bob', via: 'jwt' }, data: { rotation: { graceEndsAt: expect.any(String) } } });
    await keys.delete(k1.keyId, user('acme', 'bob'));
    await record({ type: 'deleted', actor: { userUid: 'bob', via: 'jwt' } });
    const k2 = await keys.create(system('globex'), 'carol');
    issued.push(k2, rotated);
    await record({ type: 'created', actor: { userUid: 'system', via: 'system' }, data: { ownerUid: 'carol', key: { scope: 'tenant' } } });

    // Issue 13: expiry notices and a leak report, each new event type once.
    const k3 = await keys.create(user('acme', 'dave'), 'dave', 'notices');
    issued.push(k3);
    await keys.noteExpiry(k3.keyId, 'acme');
    await keys.noteExpiry(k3.keyId, 'acme', 31);
    const k4 = await keys.create(user('acme', 'erin'), 'erin', 'leaked');
    issued.push(k4);
    await keys.reportLeaked(k4.keyId, 'acme');
    const [created3, soon, expired] = await eventIdsOf(k3.keyId);
    const [created4, leakReported, revokedAsLeaked] = await eventIdsOf(k4.keyId);
    const bySystem = { userUid: 'system', via: 'system' };
    commands.push(
      { eventId: created3!, keyUid: k3.keyId, tenant: 'acme', expect: { type: 'created', actor: { userUid: 'dave', via: 'jwt' } } },
      { eventId: created4!, keyUid: k4.keyId, tenant: 'acme', expect: { type: 'created', actor: { userUid: 'erin', via: 'jwt' } } },
      { eventId: soon!, keyUid: k3.keyId, tenant: 'acme', expect: { type: 'expiring-soon', actor: bySystem, data: { ownerUid: 'dave', notice: { daysBefore: 30 } } } },
      { eventId: expired!, keyUid: k3.keyId, tenant: 'acme', expect: { type: 'expired', actor: bySystem, data: { ownerUid: 'dave', notice: { daysBefore: 0 } } } },
      { eventId: leakReported!, keyUid: k4.keyId, tenant: 'acme', expect: { type: 'leak-reported', actor: bySystem, data: { ownerUid: 'erin' } } },
      { eventId: revokedAsLeaked!, keyUid: k4.keyId, tenant: 'acme', expect: { type: 'revoked', actor: bySystem, data: { ownerUid: 'erin', reason: 'leaked' } } },
    );

    relay = startRelay(stores.eventStore, stores.readModel, brokers, space.topic);
    await relayCaughtUp(stores.eventStore, stores.readModel);
    reader = await KafkaTopicReader.start(brokers, space.topic);
    await reader.waitFor(commands.length);
    byId = new Map();
    for (const message of reader.raw) {
      const id = String(message.headers.ce_id);
      byId.set(id, [...(byId.get(id) ?? []), message]);
    }
  });

  afterAll(async () => {
    await reader?.close();
    await relay?.stop();
    await stores?.close();
    await deleteTopics(brokers, [space.topic]);
    space?.remove();
  });

  it('produces exactly one CloudEvent per command, and nothing else', () => {
    expect(reader.raw).toHaveLength(commands.length);
    for (const { eventId } of commands) expect(byId.get(eventId), eventId).toHaveLength(1);
  });

  it('gives each the right type, subject, tenant, actor and changed fields', () => {
    const decoded = new Map(reader.decoded().map((message) => [message.event.id, message]));
    const tenants = ['acme', 'acme', 'acme', 'acme', 'acme', 'acme', 'globex'];
    commands.forEach(({ eventId, expect: expected, ...given }, i) => {
      const { key, event } = decoded.get(eventId)!;
      const keyUid = given.keyUid ?? issued[i < 6 ? 0 : 1]!.keyId;
      tenants[i] ??= given.tenant!;
      expect(key).toBe(keyUid);
      expect(event).toMatchObject({ specversion: '1.0', type: `io.keystream.apikey.${expected.type}.v1`, subject: keyUid, tenantid: tenants[i] });
      expect(event.data).toMatchObject({ action: expected.type, tenantUid: tenants[i], keyUid, actor: expected.actor, ...(expected.data ?? {}) });
    });
    const edited = decoded.get(commands[1]!.eventId)!.event.data;
    expect(edited.changes?.expiry?.before).not.toBe(edited.changes?.expiry?.after);
    const notices = commands.slice(9, 11).map(({ eventId }) => decoded.get(eventId)!.event.data.notice?.expiry);
    expect(notices).toEqual([expect.any(String), notices[0]]);
    // An owner's or admin's revocation carries no reason.
    expect(decoded.get(commands[2]!.eventId)!.event.data.reason).toBeUndefined();
  });

  it('never carries key material: no value, no hash, no salt anywhere in the bytes', () => {
    for (const message of reader.raw) {
      const bytes = wireBytes(message);
      for (const secret of issued.flatMap(keyMaterial)) expect(bytes.includes(secret), `${String(message.headers.ce_type)} leaks ${secret.slice(0, 8)}…`).toBe(false);
    }
  });
});
