/**
 * The key decider under a tenant's policy: the handlers hand it the effective limits
 * (effectiveKeyLimits) on each CreateKey and EditKey, so these rules stay pure.
 */
import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from '@keystream/testing';
import {
  type ApiKeyCommand,
  type ApiKeyEvent,
  type Caller,
  type CreateKey,
  type EditKey,
  type KeyCreated,
  type KeyLimits,
  decide,
  evolve,
  initialState,
} from '../../domain/index.js';

const given = DeciderSpecification.for<ApiKeyCommand, ApiKeyEvent, ReturnType<typeof initialState>>({ decide, evolve, initialState });

const now = new Date('2026-12-03T10:00:00.000Z');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(now.getTime() + days * DAY);
const alice: Caller = { kind: 'user', tenantId: 't1', userId: 'alice', isTenantAdmin: false, via: 'jwt' };
const tight: KeyLimits = { maxLifetimeDays: 30, maxKeysPerUser: 2, requireDescription: true };
const unbounded: KeyLimits = { maxLifetimeDays: null, maxKeysPerUser: 20, requireDescription: false };

const create = (overrides: Partial<CreateKey> = {}): CreateKey => ({
  type: 'CreateKey',
  caller: alice,
  keyId: 'k1',
  ownerId: 'alice',
  ownerFirstName: 'Alice',
  ownerLastName: 'Liddell',
  name: 'ci',
  description: 'for CI',
  annotations: {},
  labels: {},
  expiresAt: inDays(30),
  secretHash: 'scrypt$hash',
  ownerKeyCount: 0,
  limits: tight,
  now,
  ...overrides,
});

const created = (data: Partial<KeyCreated['data']> = {}): KeyCreated => ({
  type: 'KeyCreated',
  data: {
    tenantId: 't1',
    keyId: 'k1',
    ownerId: 'alice',
    ownerFirstName: 'Alice',
    ownerLastName: 'Liddell',
    name: 'ci',
    description: 'for CI',
    annotations: {},
    labels: {},
    scope: 'user',
    expiresAt: inDays(30).toISOString(),
    secretHash: 'scrypt$hash',
    createdAt: now.toISOString(),
    ...data,
  },
});

const edit = (change: Partial<Omit<EditKey, 'type' | 'caller'>>): EditKey => ({ type: 'EditKey', caller: alice, keyId: 'k1', limits: tight, now, ...change });
const fields = (error: unknown) => (error as { errors: { field: string; message: string }[] }).errors;

describe("CreateKey under a tenant's policy", () => {
  it("accepts an expiry at exactly the policy's lifetime and refuses one a millisecond later", () => {
    given().when(create({ expiresAt: inDays(30) })).then([created()]);
    given()
      .when(create({ expiresAt: new Date(inDays(30).getTime() + 1) }))
      .thenThrows('InvalidRequest', (error) => expect(fields(error)).toEqual([{ field: 'spec.expiry', message: 'must be at most 30 days ahead' }]));
  });

  it("refuses a key past the policy's keys per user, counting what the owner holds", () => {
    given().when(create({ ownerKeyCount: 1 })).then([created()]);
    given().when(create({ ownerKeyCount: 2 })).thenThrows('ApiKeyLimitReached');
  });

  it('requires a non-blank description when the policy says so', () => {
    given().when(create({ description: '' })).thenThrows('InvalidRequest', (error) => expect(fields(error).map((e) => e.field)).toEqual(['metadata.annotations.description']));
    given().when(create({ description: '   ' })).thenThrows('InvalidRequest');
  });

  it('names both problems at once: a too distant expiry and a missing description', () =>
    given()
      .when(create({ description: '', expiresAt: inDays(31) }))
      .thenThrows('InvalidRequest', (error) => expect(fields(error).map((e) => e.field)).toEqual(['spec.expiry', 'metadata.annotations.description'])));

  it('with no maximum lifetime, any future expiry is allowed; a past one still is not', () => {
    given().when(create({ limits: unbounded, expiresAt: inDays(36_500), description: '' })).then([created({ expiresAt: inDays(36_500).toISOString(), description: '' })]);
    given().when(create({ limits: unbounded, expiresAt: inDays(-1) })).thenThrows('InvalidRequest');
  });
});

describe("EditKey under a tenant's policy", () => {
  const longLived = created({ expiresAt: inDays(300).toISOString() });

  it("a key created under a looser policy keeps its expiry: an edit that does not move it is not refused", () =>
    given([longLived])
      .when(edit({ name: 'renamed' }))
      .then([{ type: 'KeyEdited', data: { tenantId: 't1', keyId: 'k1', ownerId: 'alice', changes: { name: { before: 'ci', after: 'renamed' } }, editedAt: now.toISOString() } }]));

  it("an edit that moves the expiry must stay within the policy's lifetime", () => {
    given([longLived]).when(edit({ expiresAt: inDays(200) })).thenThrows('InvalidRequest');
    given([longLived])
      .when(edit({ expiresAt: inDays(10) }))
      .then([
        {
          type: 'KeyEdited',
          data: { tenantId: 't1', keyId: 'k1', ownerId: 'alice', changes: { expiresAt: { before: inDays(300).toISOString(), after: inDays(10).toISOString() } }, editedAt: now.toISOString() },
        },
      ]);
  });

  it('an edit may not blank the description the policy requires; one that does not send it keeps it', () => {
    given([created()]).when(edit({ description: '' })).thenThrows('InvalidRequest');
    given([created({ description: '' })]).when(edit({ name: 'ci' })).thenNothingHappened();
  });
});
