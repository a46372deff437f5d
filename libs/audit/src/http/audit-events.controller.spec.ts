import 'reflect-metadata';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidationPipe } from '@keystream/api-keys';
import { ProblemDetailsFilter } from '@keystream/problem-details';
import { API_KEY_AUTHENTICATOR, AuthGuard, JwtVerifier } from '@keystream/tenancy';
import type { AuditStore } from '../audit-store.port.js';
import { openSqliteAuditStore } from '../adapters/sqlite/sqlite.audit-store.js';
import { auditEvent } from '../contract/audit-store.fixtures.js';
import { AuditHttpModule } from './audit-http.module.js';

const SECRET = 'audit-endpoint-test-secret-of-32-characters!';
const token = (tenant: string, sub: string, roles: string[] = []) =>
  new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

describe('GET /v1/audit/events', () => {
  let app: NestFastifyApplication;
  let store: AuditStore;
  const get = async (url: string, jwt?: string) => {
    const response = await app.inject({ method: 'GET', url, headers: jwt ? { authorization: jwt } : {} });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    store = await openSqliteAuditStore(':memory:');
    await store.append([
      auditEvent({ tenant: 'acme', key: 'k1', actor: 'alice', minute: 1 }),
      auditEvent({ tenant: 'other', key: 'k-secret', actor: 'mallory', minute: 2 }),
      auditEvent({ tenant: 'acme', key: 'k1', revision: 1, action: 'edited', actor: 'bob', minute: 3 }),
      auditEvent({ tenant: 'acme', key: 'k2', actor: 'bob', minute: 4 }),
      auditEvent({ tenant: 'acme', key: 'k1', revision: 2, action: 'revoked', actor: 'alice', minute: 5 }),
    ]);
    const moduleRef = await Test.createTestingModule({
      imports: [AuditHttpModule.forRoot({ useFactory: () => store })],
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier({ secret: SECRET }) },
        { provide: API_KEY_AUTHENTICATOR, useValue: { authenticate: async () => undefined } },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close(); // closes the store too
  });

  it("gives a tenant admin the tenant's events, newest first, and nothing of another tenant", async () => {
    const { status, body } = await get('/v1/audit/events', await token('acme', 'admin', ['tenant-admin']));
    expect(status).toBe(200);
    expect(body.items.map((item: { seq: number }) => item.seq)).toEqual([4, 3, 2, 1]);
    expect(JSON.stringify(body)).not.toMatch(/k-secret|mallory|other/);
    expect(body.items[2]).toMatchObject({ action: 'edited', keyUid: 'k1', actor: { userUid: 'bob', via: 'jwt' }, changes: { name: { before: 'old', after: 'new' } } });
    expect(body.listmeta).toEqual({ continue: '', count: 4 });
  });

  it("gives a plain user the events of the keys they own only: not another user's, not the tenant's own, not another tenant's", async () => {
    await store.append([
      auditEvent({ tenant: 'own', key: 'ka', owner: 'alice', actor: 'alice', minute: 10 }),
      auditEvent({ tenant: 'own', key: 'kb', owner: 'bob', actor: 'bob', minute: 11 }),
      auditEvent({ tenant: 'own-other', key: 'kx', owner: 'alice', actor: 'alice', minute: 12 }),
      auditEvent({ tenant: 'own', key: 'ka', owner: 'alice', revision: 1, action: 'rotated', actor: 'alice', minute: 13 }),
      auditEvent({ tenant: 'own', key: 'tenant/own', owner: '', action: 'policy-set', actor: 'root', minute: 14 }),
      auditEvent({ tenant: 'own', key: 'ka', owner: 'alice', revision: 2, action: 'leak-reported', actor: 'system', minute: 15 }),
      auditEvent({ tenant: 'own', key: 'ka', owner: 'alice', revision: 3, action: 'revoked', actor: 'system', minute: 16 }),
      auditEvent({ tenant: 'own', key: 'kb', owner: 'bob', revision: 1, action: 'expired', actor: 'system', minute: 17 }),
    ]);
    const alice = await token('own', 'alice');
    const { status, body } = await get('/v1/audit/events', alice);
    expect(status).toBe(200);
    expect(body.items.map((item: { action: string; keyUid: string }) => `${item.keyUid} ${item.action}`)).toEqual(['ka revoked', 'ka leak-reported', 'ka rotated', 'ka created']);
    expect(JSON.stringify(body)).not.toMatch(/kb|kx|policy|own-other/);
    expect(body.items.every((item: { ownerUid: string }) => item.ownerUid === 'alice')).toBe(true);
    // The filters narrow the owner's set; they never widen it.
    const seqs = async (query: string, jwt = alice) => (await get(`/v1/audit/events?${query}`, jwt)).body.items.map((item: { keyUid: string }) => item.keyUid);
    expect(await seqs('keyUid=kb')).toEqual([]);
    expect(await seqs('action=expired')).toEqual([]);
    expect(await seqs('action=policy-set')).toEqual([]);
    expect(await seqs('actorUid=system')).toEqual(['ka', 'ka']);
    // Bob sees his own; the same user id in another tenant sees only that tenant's key.
    expect(await seqs('', await token('own', 'bob'))).toEqual(['kb', 'kb']);
    expect(await seqs('', await token('own-other', 'alice'))).toEqual(['kx']);
    // A user who owns nothing gets an empty page; a tenant admin still gets the whole trail.
    expect((await get('/v1/audit/events', await token('own', 'carol'))).body).toEqual({ items: [], listmeta: { continue: '', count: 0 } });
    expect((await get('/v1/audit/events', await token('own', 'root', ['tenant-admin']))).body.items).toHaveLength(7);
  });

  it('refuses a caller without credentials with 401', async () => {
    expect((await get('/v1/audit/events')).status).toBe(401);
  });

  it('filters by key, actor, action and time range', async () => {
    const admin = await token('acme', 'admin', ['tenant-admin']);
    const seqs = async (query: string) => (await get(`/v1/audit/events?${query}`, admin)).body.items.map((item: { seq: number }) => item.seq);
    expect(await seqs('keyUid=k1')).toEqual([4, 2, 1]);
    expect(await seqs('actorUid=bob')).toEqual([3, 2]);
    expect(await seqs('action=revoked')).toEqual([4]);
    expect(await seqs('from=2026-11-22T10:03:00Z&to=2026-11-22T10:05:00%2B00:00')).toEqual([3, 2]);
  });

  it('pages with an opaque cursor and never leaves the tenant', async () => {
    const admin = await token('acme', 'admin', ['tenant-admin']);
    const first = await get('/v1/audit/events?limit=3', admin);
    expect(first.body.listmeta.count).toBe(3);
    const second = await get(`/v1/audit/events?limit=3&continue=${first.body.listmeta.continue}`, admin);
    expect(second.body.items.map((item: { seq: number }) => item.seq)).toEqual([1]);
    expect(second.body.listmeta.continue).toBe('');
    const otherAdmin = await get(`/v1/audit/events?continue=${first.body.listmeta.continue}`, await token('other', 'root', ['tenant-admin']));
    expect(otherAdmin.body.items.map((item: { keyUid: string }) => item.keyUid)).toEqual(['k-secret']);
  });

  it.each([
    ['an unknown action', 'action=renamed', 'action'],
    ['a malformed time', 'from=yesterday', 'from'],
    ['a forged cursor', 'continue=bm90LWEtY3Vyc29y', 'continue'],
    ['a limit over 500', 'limit=501', 'limit'],
    ['an unknown parameter', 'tenant=other', 'tenant'],
  ])('answers %s with 400 naming the field', async (_, query, field) => {
    const { status, body } = await get(`/v1/audit/events?${query}`, await token('acme', 'admin', ['tenant-admin']));
    expect(status).toBe(400);
    expect(body.code).toBe('InvalidRequest');
    expect(body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});
