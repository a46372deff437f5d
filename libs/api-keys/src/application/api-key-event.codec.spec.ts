import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@keystream/event-store';
import { API_KEY_EVENT_TYPES, type KeyCreated } from '../domain/index.js';
import {
  API_KEY_EVENT_UPCASTERS,
  MalformedEventError,
  type StoredEvent,
  createApiKeyEventCodec,
  decodeApiKeyEvent,
} from './api-key-event.codec.js';

const ids = { tenantId: 't1', keyId: 'k1', ownerId: 'alice' };
/** A KeyCreated as version 1 stored it: no free-form metadata. */
const createdV1 = {
  ...ids,
  ownerFirstName: 'Alice',
  ownerLastName: 'Liddell',
  name: 'ci',
  description: 'for CI',
  scope: 'user',
  expiresAt: '2027-01-01T00:00:00.000Z',
  secretHash: 'scrypt$hash',
  createdAt: '2026-11-22T10:00:00.000Z',
} as const;
const createdData: KeyCreated['data'] = { ...createdV1, annotations: { team: 'platform' }, labels: { env: 'prod' } };

const stored = (type: string, data: JsonObject, metadata: JsonObject = { schemaVersion: 2 }): StoredEvent => ({ id: 'e1', type, data, metadata });

describe('decodeApiKeyEvent', () => {
  it('decodes every current event type to the typed event', () => {
    expect(decodeApiKeyEvent(stored('KeyCreated', createdData))).toEqual({ type: 'KeyCreated', data: createdData });
    const edited = { ...ids, changes: { name: { before: 'ci', after: 'deploy' } }, editedAt: '2026-11-22T10:00:00.000Z' };
    expect(decodeApiKeyEvent(stored('KeyEdited', edited))).toEqual({ type: 'KeyEdited', data: edited });
    for (const [type, at] of [['KeyRevoked', 'revokedAt'], ['KeyReactivated', 'reactivatedAt'], ['KeyDeleted', 'deletedAt']]) {
      const data = { ...ids, [at]: '2026-11-22T10:00:00.000Z' };
      expect(decodeApiKeyEvent(stored(type, data))).toEqual({ type, data });
    }
  });

  it('reads an event without a schema version as version 1, the shape written before the envelope had one', () => {
    expect(decodeApiKeyEvent(stored('KeyRevoked', { ...ids, revokedAt: 'x' }, {}))).toEqual({ type: 'KeyRevoked', data: { ...ids, revokedAt: 'x' } });
  });

  it('reads a revocation reason when present, and refuses one it does not know', () => {
    const data = { ...ids, revokedAt: 'x', reason: 'owner-deactivated' };
    expect(decodeApiKeyEvent(stored('KeyRevoked', data))).toEqual({ type: 'KeyRevoked', data });
    expect(() => decodeApiKeyEvent(stored('KeyRevoked', { ...ids, revokedAt: 'x', reason: 'because' }))).toThrow(/reason must be a known revoke reason/);
  });

  it('skips a type it does not know', () => {
    expect(decodeApiKeyEvent(stored('KeyRenamed', ids))).toBeUndefined();
  });

  it('reports a malformed event by id and type instead of casting it', () => {
    const withoutHash: JsonObject = { ...createdData };
    delete withoutHash.secretHash;
    expect(() => decodeApiKeyEvent(stored('KeyCreated', withoutHash))).toThrow(new MalformedEventError('e1', 'KeyCreated', 'secretHash must be strings'));
    expect(() => decodeApiKeyEvent(stored('KeyCreated', { ...createdData, scope: 'root' }))).toThrow(/scope must be tenant or user/);
    expect(() => decodeApiKeyEvent(stored('KeyEdited', { ...ids, editedAt: 'x', changes: { name: { after: 'y' } } }))).toThrow(/changes\.name/);
    expect(() => decodeApiKeyEvent(stored('KeyDeleted', { ...ids, deletedAt: 7 }))).toThrow(MalformedEventError);
  });

  it('refuses a version newer than it reads, or one that is not a version', () => {
    expect(() => decodeApiKeyEvent(stored('KeyDeleted', { ...ids, deletedAt: 'x' }, { schemaVersion: 3 }))).toThrow(/newer than this release reads/);
    expect(() => decodeApiKeyEvent(stored('KeyDeleted', { ...ids, deletedAt: 'x' }, { schemaVersion: '1' }))).toThrow(/is not a version/);
  });

  it('has an upcaster slot for every event type', () => {
    expect(Object.keys(API_KEY_EVENT_UPCASTERS).sort()).toEqual([...API_KEY_EVENT_TYPES].sort());
    expect(API_KEY_EVENT_TYPES).toContain('KeyRotated');
  });

  it('reads a KeyRotated, and refuses one without the new hash or the grace end', () => {
    const data = { ...ids, secretHash: 'scrypt$new', graceEndsAt: '2026-11-23T10:00:00.000Z', rotatedAt: '2026-11-22T10:00:00.000Z' };
    expect(decodeApiKeyEvent(stored('KeyRotated', data, { schemaVersion: 2 }))).toEqual({ type: 'KeyRotated', data });
    const { graceEndsAt: _, ...withoutGrace } = data;
    expect(() => decodeApiKeyEvent(stored('KeyRotated', withoutGrace, { schemaVersion: 2 }))).toThrow(/graceEndsAt must be strings/);
    expect(() => decodeApiKeyEvent(stored('KeyRotated', { ...data, secretHash: 1 }, { schemaVersion: 2 }))).toThrow(MalformedEventError);
  });
});

describe('expiry notices and leak reports (added at schema version 2)', () => {
  const at = '2026-12-03T10:00:00.000Z';
  const notice = { ...ids, expiresAt: '2027-01-01T00:00:00.000Z', noticedAt: at };

  it('decodes KeyExpiringSoon, KeyExpired, KeyLeakReported and a KeyRevoked with the reason leaked', () => {
    for (const [type, data] of [
      ['KeyExpiringSoon', { ...notice, daysBefore: 7 }],
      ['KeyExpired', notice],
      ['KeyLeakReported', { ...ids, reportedAt: at }],
      ['KeyRevoked', { ...ids, revokedAt: at, reason: 'leaked' }],
    ] as const) {
      expect(decodeApiKeyEvent(stored(type, data))).toEqual({ type, data });
    }
  });

  it('refuses a stage or reason it does not know, and a notice claiming a version from before notices existed', () => {
    expect(() => decodeApiKeyEvent(stored('KeyExpiringSoon', { ...notice, daysBefore: 3 }))).toThrow(/daysBefore must be one of 30, 7, 1/);
    expect(() => decodeApiKeyEvent(stored('KeyRevoked', { ...ids, revokedAt: at, reason: 'bored' }))).toThrow(/reason must be a known revoke reason/);
    expect(() => decodeApiKeyEvent(stored('KeyExpired', notice, { schemaVersion: 1 }))).toThrow(/no upcaster from schemaVersion 1/);
  });
});

describe('upcasting', () => {
  // A version 0 KeyCreated as an earlier release might have stored it: the expiry under `expiry`
  // and no scope (every key was a user's).
  const v0: JsonObject = { ...createdV1, expiry: createdV1.expiresAt };
  delete v0.expiresAt;
  delete v0.scope;
  const fromV0 = createApiKeyEventCodec({
    ...API_KEY_EVENT_UPCASTERS,
    KeyCreated: { ...API_KEY_EVENT_UPCASTERS.KeyCreated, 0: ({ expiry, ...rest }) => ({ ...rest, expiresAt: expiry, scope: 'user' }) },
  });

  it('brings a version 1 KeyCreated, stored before annotations and labels, to version 2 with empty maps', () => {
    expect(decodeApiKeyEvent(stored('KeyCreated', createdV1, { schemaVersion: 1 }))).toEqual({
      type: 'KeyCreated',
      data: { ...createdV1, annotations: {}, labels: {} },
    });
    const edited = { ...ids, changes: { name: { before: 'ci', after: 'deploy' } }, editedAt: '2026-11-22T10:00:00.000Z' };
    expect(decodeApiKeyEvent(stored('KeyEdited', edited, { schemaVersion: 1 }))).toEqual({ type: 'KeyEdited', data: edited });
  });

  it('refuses metadata maps that hold anything but strings', () => {
    expect(() => decodeApiKeyEvent(stored('KeyCreated', { ...createdData, labels: { env: 1 } }))).toThrow(/labels must be maps of strings/);
    const edit = { ...ids, editedAt: 'x', changes: { annotations: { before: {}, after: 'x' } } };
    expect(() => decodeApiKeyEvent(stored('KeyEdited', edit))).toThrow(/changes\.annotations/);
  });

  it('brings a version 0 event to the current shape, step by step', () => {
    expect(fromV0(stored('KeyCreated', v0, { schemaVersion: 0 }))).toEqual({ type: 'KeyCreated', data: { ...createdV1, annotations: {}, labels: {} } });
  });

  it('checks the upcast result, and reports a version with no way up', () => {
    expect(() => fromV0(stored('KeyCreated', { ...v0, expiry: undefined }, { schemaVersion: 0 }))).toThrow(/expiresAt must be strings/);
    expect(() => fromV0(stored('KeyRevoked', { ...ids, revokedAt: 'x' }, { schemaVersion: 0 }))).toThrow(/no upcaster from schemaVersion 0/);
    expect(() => decodeApiKeyEvent(stored('KeyCreated', v0, { schemaVersion: 0 }))).toThrow(/no upcaster from schemaVersion 0/);
  });
});
