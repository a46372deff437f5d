import { describe, expect, it } from 'vitest';
import { decodeApiKeyEvent } from '@keystream/api-keys';
import type { JsonObject, RecordedEvent } from '@keystream/event-store';
import { type CloudEventOptions, toCloudEvent as mapToCloudEvent } from './cloud-event.js';
import { toAuditMessages } from './audit-relay.js';

/** As the relay does it: the api-keys codec decodes, then the event maps. */
const toCloudEvent = (event: RecordedEvent, options?: CloudEventOptions) => mapToCloudEvent(event, decodeApiKeyEvent(event)!, options);

const HASH = 'scrypt$N=16384,r=8,p=1$c2FsdHNhbHQ$ZGVyaXZlZGRlcml2ZWQ';
const ids = { tenantId: 'tenant-a', keyId: 'a1b2c3d4e5f6a1b2c3d4e5f6', ownerId: 'user-1' };
const revokedData = { ...ids, revokedAt: '2026-11-22T10:00:00.000Z' };
const metadata = {
  schemaVersion: 1,
  tenantId: 'tenant-a',
  actor: { userId: 'admin-1', via: 'jwt' },
  correlationId: 'corr-1',
  occurredAt: '2026-11-22T10:00:00.000Z',
};

const recorded = (type: string, data: JsonObject, meta: JsonObject = metadata, revision = 0n): RecordedEvent => ({
  id: '0b7f3c4e-2f6b-4d7e-9a59-5d4c1f0e8a11',
  type,
  streamName: `apikey-${ids.keyId}`,
  revision,
  position: { commit: 7n, prepare: 7n },
  data,
  metadata: meta,
  recordedAt: new Date('2026-11-22T10:00:01.234Z'),
});

const created = (extra: JsonObject = {}) =>
  recorded('KeyCreated', {
    ...ids,
    ownerFirstName: 'Ada',
    ownerLastName: 'Lovelace',
    name: 'ci',
    description: 'deploys',
    scope: 'user',
    expiresAt: '2027-01-01T00:00:00.000Z',
    secretHash: HASH,
    createdAt: '2026-11-22T10:00:00.000Z',
    ...extra,
  });

describe('toCloudEvent', () => {
  it('maps KeyCreated to a created CloudEvent without the secret hash', () => {
    const event = toCloudEvent(created(), { source: '/keystream/test' });
    expect(event).toEqual({
      specversion: '1.0',
      id: '0b7f3c4e-2f6b-4d7e-9a59-5d4c1f0e8a11',
      source: '/keystream/test',
      type: 'io.keystream.apikey.created.v1',
      subject: ids.keyId,
      time: '2026-11-22T10:00:00.000Z',
      datacontenttype: 'application/json',
      tenantid: 'tenant-a',
      data: {
        action: 'created',
        tenantUid: 'tenant-a',
        keyUid: ids.keyId,
        ownerUid: 'user-1',
        actor: { userUid: 'admin-1', via: 'jwt' },
        revision: 0,
        correlationId: 'corr-1',
        key: { name: 'ci', description: 'deploys', scope: 'user', expiry: '2027-01-01T00:00:00.000Z', annotations: {}, labels: {} },
      },
    });
    expect(JSON.stringify(event)).not.toContain('c2FsdHNhbHQ');
  });

  it('leaves out fields nobody allow-listed, even ones added to events later', () => {
    const event = toCloudEvent(created({ secretSalt: 'NEW-SALT', value: 'ks_NEW_VALUE' }));
    const edited = toCloudEvent(
      recorded('KeyEdited', {
        ...ids,
        changes: { name: { before: 'a', after: 'b' }, secretHash: { before: 'OLD-HASH', after: 'NEW-HASH' } },
        editedAt: '2026-11-22T10:00:00.000Z',
      }),
    );
    const text = JSON.stringify([event, edited]);
    for (const secret of ['NEW-SALT', 'ks_NEW_VALUE', 'OLD-HASH', 'NEW-HASH', 'secretHash', 'secretSalt']) expect(text).not.toContain(secret);
    expect(edited?.data.changes).toEqual({ name: { before: 'a', after: 'b' } });
  });

  it('maps an edit to the changed fields before and after, expiry under its API name', () => {
    const changes = {
      description: { before: '', after: 'rotated' },
      expiresAt: { before: '2027-01-01T00:00:00.000Z', after: '2027-02-01T00:00:00.000Z' },
    };
    const event = toCloudEvent(recorded('KeyEdited', { ...ids, changes, editedAt: '2026-11-22T10:00:00.000Z' }, metadata, 3n));
    expect(event?.type).toBe('io.keystream.apikey.edited.v1');
    expect(event?.data).toMatchObject({ action: 'edited', revision: 3, changes: { description: changes.description, expiry: changes.expiresAt } });
  });

  it('carries annotations and labels, which are not secret, on created and edited', () => {
    const v2 = { ...metadata, schemaVersion: 2 };
    const withMaps = toCloudEvent({ ...created({ annotations: { team: 'platform' }, labels: { env: 'prod' } }), metadata: v2 });
    expect(withMaps?.data.key).toMatchObject({ annotations: { team: 'platform' }, labels: { env: 'prod' } });
    const changes = { labels: { before: {}, after: { env: 'prod' } }, annotations: { before: { a: '1' }, after: {} } };
    const edited = toCloudEvent(recorded('KeyEdited', { ...ids, changes, editedAt: '2026-11-22T10:00:00.000Z' }, v2, 1n));
    expect(edited?.data.changes).toEqual(changes);
  });

  it.each([
    ['KeyRevoked', 'revoked', { revokedAt: '2026-11-22T10:00:00.000Z' }],
    ['KeyReactivated', 'reactivated', { reactivatedAt: '2026-11-22T10:00:00.000Z' }],
    ['KeyDeleted', 'deleted', { deletedAt: '2026-11-22T10:00:00.000Z' }],
  ])('maps %s to io.keystream.apikey.%s.v1 with no details', (type, action, extra) => {
    const event = toCloudEvent(recorded(type, { ...ids, ...extra }));
    expect(event?.type).toBe(`io.keystream.apikey.${action}.v1`);
    expect(event?.data).not.toHaveProperty('key');
    expect(event?.data).not.toHaveProperty('changes');
    expect(event?.data.action).toBe(action);
  });

  it('maps KeyRotated to io.keystream.apikey.rotated.v1 with the grace end and never the new hash', () => {
    const data = { ...ids, secretHash: HASH, graceEndsAt: '2026-11-23T10:00:00.000Z', rotatedAt: '2026-11-22T10:00:00.000Z' };
    const event = toCloudEvent(recorded('KeyRotated', data, { ...metadata, schemaVersion: 2 }, 4n));
    expect(event?.type).toBe('io.keystream.apikey.rotated.v1');
    expect(event?.data).toMatchObject({ action: 'rotated', revision: 4, rotation: { graceEndsAt: '2026-11-23T10:00:00.000Z' } });
    expect(JSON.stringify(event)).not.toContain(HASH);
    expect(JSON.stringify(event)).not.toContain('secretHash');
  });

  it('records how the actor authenticated, and the key they used', () => {
    const viaKey = { ...metadata, actor: { userId: 'user-1', via: 'apiKey', keyId: 'f'.repeat(24) } };
    const system = { ...metadata, actor: { userId: 'system', via: 'system' } };
    expect(toCloudEvent(recorded('KeyRevoked', revokedData, viaKey))?.data.actor).toEqual({ userUid: 'user-1', via: 'apiKey', keyUid: 'f'.repeat(24) });
    expect(toCloudEvent(recorded('KeyRevoked', revokedData, system))?.data.actor).toEqual({ userUid: 'system', via: 'system' });
  });

  it('carries why a key was revoked when the revocation had a reason (offboarding), and nothing when not', () => {
    const system = { ...metadata, actor: { userId: 'system', via: 'system' } };
    const offboarded = toCloudEvent(recorded('KeyRevoked', { ...revokedData, reason: 'owner-deactivated' }, system));
    expect(offboarded?.data).toMatchObject({ action: 'revoked', reason: 'owner-deactivated', actor: { userUid: 'system', via: 'system' } });
    expect(toCloudEvent(recorded('KeyRevoked', revokedData))?.data).not.toHaveProperty('reason');
  });

  it('still maps events written before metadata carried an actor, stamped with their recording time', () => {
    const event = toCloudEvent(recorded('KeyRevoked', revokedData, {}));
    expect(event?.data.actor).toEqual({ userUid: 'unknown', via: 'unknown' });
    expect(event?.data).not.toHaveProperty('correlationId');
    expect(event?.time).toBe('2026-11-22T10:00:01.234Z');
  });

  it('ignores events that are not key events', () => {
    expect(toAuditMessages([recorded('SomethingElse', ids), recorded('KeyRevoked', revokedData)], decodeApiKeyEvent).map((m) => m.event.type)).toEqual([
      'io.keystream.apikey.revoked.v1',
    ]);
  });
});
