import { describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  MAX_KEY_LIFETIME_DAYS,
  READ_MODELS,
  expectProblem,
  fieldsOf,
  inDays,
  tenantWithUsers,
  useApp,
} from './harness.js';

const expiry = () => inDays(30);
const withName = (name: unknown) => ({ metadata: { name }, spec: { expiry: expiry() } });
const withExpiry = (value: unknown) => ({ metadata: { name: 'k' }, spec: { expiry: value } });
const nextYear = () => new Date().getUTCFullYear() + 1;

/** [case, body (an object is sent as JSON, a string as it is), the field errors[] must name (undefined: any)] */
type Case = [string, () => unknown, string | undefined];

const BAD_CREATE_BODIES: Case[] = [
  ['an empty name', () => withName(''), 'metadata.name'],
  ['a whitespace-only name', () => withName(' \t  '), 'metadata.name'],
  ['a 129-character name', () => withName('n'.repeat(129)), 'metadata.name'],
  ['a name with a NUL', () => withName('a\u0000b'), 'metadata.name'],
  ['a name with a newline', () => withName('a\nb'), 'metadata.name'],
  ['a name with an escape character', () => withName('a\u001b[31mb'), 'metadata.name'],
  ['a name with DEL', () => withName('a\u007fb'), 'metadata.name'],
  ['a name that is a number', () => withName(42), 'metadata.name'],
  ['a null name', () => withName(null), 'metadata.name'],
  ['no name', () => ({ metadata: {}, spec: { expiry: expiry() } }), 'metadata.name'],
  ['a 1025-character description', () => ({ metadata: { name: 'k', annotations: { description: 'd'.repeat(1025) } }, spec: { expiry: expiry() } }), 'metadata.annotations.description'],
  ['a description that is a number', () => ({ metadata: { name: 'k', annotations: { description: 5 } }, spec: { expiry: expiry() } }), 'metadata.annotations.description'],
  ['annotations that are a string', () => ({ metadata: { name: 'k', annotations: 'x' }, spec: { expiry: expiry() } }), 'metadata.annotations'],
  ['expiry "tomorrow"', () => withExpiry('tomorrow'), 'spec.expiry'],
  ['expiry 2026-13-01', () => withExpiry('2026-13-01'), 'spec.expiry'],
  ['expiry in month 13 with a time', () => withExpiry('2026-13-01T00:00:00.000Z'), 'spec.expiry'],
  // Calendar-invalid dates pass a plain RFC 3339 pattern; Date() silently rolls them into the next month.
  ['expiry on February 30th', () => withExpiry(`${nextYear()}-02-30T00:00:00.000Z`), 'spec.expiry'],
  ['expiry on April 31st', () => withExpiry(`${nextYear()}-04-31T00:00:00.000Z`), 'spec.expiry'],
  ['expiry at second 60', () => withExpiry(`${nextYear()}-01-01T00:00:60.000Z`), 'spec.expiry'],
  ['an expiry in the past', () => withExpiry(inDays(-1)), 'spec.expiry'],
  ['an expiry of now-ish', () => withExpiry(new Date().toISOString()), 'spec.expiry'],
  [`an expiry beyond MAX_KEY_LIFETIME_DAYS (${MAX_KEY_LIFETIME_DAYS})`, () => withExpiry(inDays(MAX_KEY_LIFETIME_DAYS + 1)), 'spec.expiry'],
  ['the zero time as expiry on create', () => withExpiry('0001-01-01T00:00:00.000Z'), 'spec.expiry'],
  ['an expiry that is a number', () => withExpiry(Date.now() + 86_400_000), 'spec.expiry'],
  ['no expiry', () => ({ metadata: { name: 'k' }, spec: {} }), 'spec.expiry'],
  ['no spec', () => ({ metadata: { name: 'k' } }), 'spec'],
  ['no metadata', () => ({ spec: { expiry: expiry() } }), 'metadata'],
  ['metadata as a string', () => ({ metadata: 'k', spec: { expiry: expiry() } }), 'metadata'],
  ['spec as an array', () => ({ metadata: { name: 'k' }, spec: [expiry()] }), 'spec'],
  ['userUid as a number', () => ({ metadata: { name: 'k' }, spec: { expiry: expiry(), userUid: 7 } }), 'spec.userUid'],
  ['an empty userUid', () => ({ metadata: { name: 'k' }, spec: { expiry: expiry(), userUid: '' } }), 'spec.userUid'],
  ['an unknown top-level field', () => ({ ...withName('k'), extra: true }), 'extra'],
  ['an unknown field in metadata', () => ({ metadata: { name: 'k', finalizers: [] }, spec: { expiry: expiry() } }), 'metadata.finalizers'],
  ['an annotation key that is no qualified name', () => ({ metadata: { name: 'k', annotations: { 'two words': 'x' } }, spec: { expiry: expiry() } }), 'metadata.annotations.two words'],
  ['an annotation key with a bad prefix', () => ({ metadata: { name: 'k', annotations: { 'Example.COM/team': 'x' } }, spec: { expiry: expiry() } }), 'metadata.annotations.Example.COM/team'],
  ['a label value that is a number', () => ({ metadata: { name: 'k', labels: { env: 1 } }, spec: { expiry: expiry() } }), 'metadata.labels.env'],
  ['a 1025-character label value', () => ({ metadata: { name: 'k', labels: { env: 'v'.repeat(1025) } }, spec: { expiry: expiry() } }), 'metadata.labels.env'],
  ['a 64-character annotation name', () => ({ metadata: { name: 'k', annotations: { ['a'.repeat(64)]: 'x' } }, spec: { expiry: expiry() } }), `metadata.annotations.${'a'.repeat(64)}`],
  ['65 labels', () => ({ metadata: { name: 'k', labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'x'])) }, spec: { expiry: expiry() } }), 'metadata.labels'],
  ['a read-only annotation that is a number', () => ({ metadata: { name: 'k', annotations: { scope: 1 } }, spec: { expiry: expiry() } }), 'metadata.annotations.scope'],
  ['an unknown field in spec', () => ({ metadata: { name: 'k' }, spec: { expiry: expiry(), roles: ['tenant-admin'] } }), 'spec.roles'],
  ['a status block', () => ({ ...withName('k'), status: { isActive: true } }), 'status'],
  ['malformed JSON', () => '{"metadata": {"name": "k"', 'body'],
  ['an empty body with a JSON content type', () => '', 'body'],
  ['a JSON array', () => '[]', undefined],
  ['JSON null', () => 'null', undefined],
  ['a JSON string', () => '"key please"', undefined],
  ['a JSON number', () => '42', undefined],
  ['a __proto__ member', () => '{"__proto__": {"isTenantAdmin": true}, "metadata": {"name": "k"}, "spec": {}}', undefined],
];

describe.each(READ_MODELS)('bad bodies (%s read model)', (kind) => {
  const h = useApp(kind);

  /** Nothing in the tenant's listing and nothing appended to the event log. */
  const expectNothingWritten = async (admin: { headers: Record<string, string> }, listing: string, head: string) => {
    expect(await h.current.head()).toBe(head);
    expect(JSON.stringify((await h.current.listAll(admin.headers)).items)).toBe(listing);
  };

  const expectClean400 = (response: ApiResponse, field: string | undefined) => {
    expect(response.status, response.text).not.toBeGreaterThanOrEqual(500);
    expectProblem(response, 400, 'InvalidRequest');
    if (field) expect(fieldsOf(response)).toContain(field);
  };

  describe('POST /v1/apiKeys refuses', () => {
    it.each(BAD_CREATE_BODIES)('%s', async (_case, body, field) => {
      const { admin, alice } = await tenantWithUsers();
      await h.current.createKey(alice.headers, { metadata: { name: 'existing' }, spec: { expiry: expiry() } });
      const listing = JSON.stringify((await h.current.listAll(admin.headers)).items);
      const head = await h.current.head();
      expectClean400(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: body() }), field);
      await expectNothingWritten(admin, listing, head);
    });
  });

  describe('PUT /v1/apiKeys/{uid} refuses, and the key stays as it was:', () => {
    const BAD_UPDATES: Case[] = [
      ['an empty name', () => withName(''), 'metadata.name'],
      ['a 129-character name', () => withName('n'.repeat(129)), 'metadata.name'],
      ['a name with a control character', () => withName('x\u0007'), 'metadata.name'],
      ['a 1025-character description', () => ({ metadata: { name: 'k', annotations: { description: 'd'.repeat(1025) } } }), 'metadata.annotations.description'],
      ['expiry "tomorrow"', () => withExpiry('tomorrow'), 'spec.expiry'],
      ['an expiry in the past', () => withExpiry(inDays(-1)), 'spec.expiry'],
      ['an expiry beyond the lifetime limit', () => withExpiry(inDays(MAX_KEY_LIFETIME_DAYS + 1)), 'spec.expiry'],
      ['expiry on February 30th', () => withExpiry(`${nextYear()}-02-30T00:00:00.000Z`), 'spec.expiry'],
      ['expiry at second 60', () => withExpiry(`${nextYear()}-01-01T00:00:60.000Z`), 'spec.expiry'],
      ['an unknown top-level field', () => ({ ...withName('k'), extra: 1 }), 'extra'],
      ['an unknown field in metadata', () => ({ metadata: { name: 'k', extra: 1 } }), 'metadata.extra'],
      ['an unknown field in spec', () => ({ metadata: { name: 'k' }, spec: { extra: 1 } }), 'spec.extra'],
      ['no metadata', () => ({ spec: { expiry: expiry() } }), 'metadata'],
      ['malformed JSON', () => '{"metadata":', 'body'],
      ['a JSON array', () => '[1]', undefined],
    ];
    it.each(BAD_UPDATES)('%s', async (_case, body, field) => {
      const { admin, alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, { metadata: { name: 'existing' }, spec: { expiry: expiry() } });
      const listing = JSON.stringify((await h.current.listAll(admin.headers)).items);
      const head = await h.current.head();
      expectClean400(await h.current.call('PUT', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: body() }), field);
      await expectNothingWritten(admin, listing, head);
    });
  });

  describe('PUT /v1/apiKeys/{uid}/state and PATCH refuse', () => {
    const BAD_STATES: Case[] = [
      ['isActive as a string', () => ({ isActive: 'true' }), 'isActive'],
      ['isActive as a number', () => ({ isActive: 1 }), 'isActive'],
      ['an unknown field', () => ({ isActive: true, reason: 'x' }), 'reason'],
      ['malformed JSON', () => '{"isActive": tru', 'body'],
    ];
    it.each(BAD_STATES)('%s', async (_case, body, field) => {
      const { admin, alice } = await tenantWithUsers();
      const key = await h.current.createKey(alice.headers, { metadata: { name: 'existing' }, spec: { expiry: expiry() } });
      const listing = JSON.stringify((await h.current.listAll(admin.headers)).items);
      const head = await h.current.head();
      expectClean400(await h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: body() }), field);
      expectClean400(await h.current.call('PATCH', `/v1/apiKeys/${key.uid}`, { headers: alice.headers, body: body() }), field);
      await expectNothingWritten(admin, listing, head);
    });
  });

  it('a body over 64 KiB is 413; an XML body is 415; form and text bodies are 400: all problems', async () => {
    const { admin, alice } = await tenantWithUsers();
    const head = await h.current.head();
    const huge = JSON.stringify({ metadata: { name: 'k', annotations: { description: 'x'.repeat(70_000) } }, spec: { expiry: expiry() } });
    expectProblem(await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: huge }), 413, 'PayloadTooLarge');
    const asXml = await h.current.call('POST', '/v1/apiKeys', {
      headers: { ...alice.headers, 'content-type': 'application/xml' },
      body: '<apiKey><metadata><name>k</name></metadata></apiKey>',
    });
    expectProblem(asXml, 415, 'UnsupportedMediaType');
    const asForm = await h.current.call('POST', '/v1/apiKeys', {
      headers: { ...alice.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'metadata[name]=k',
    });
    expectProblem(asForm, 400, 'InvalidRequest');
    const asText = await h.current.call('POST', '/v1/apiKeys', {
      headers: { ...alice.headers, 'content-type': 'text/plain' },
      body: JSON.stringify(withName('k')),
    });
    expectProblem(asText, 400, 'InvalidRequest');
    await expectNothingWritten(admin, '[]', head);
  });

  it('the longest valid name (128) and description (1024) are accepted, trimmed, and shown as sent', async () => {
    const { alice } = await tenantWithUsers();
    const name = 'n'.repeat(128);
    const description = 'd'.repeat(1024);
    const key = await h.current.createKey(alice.headers, { metadata: { name: `  ${name}  `, annotations: { description } }, spec: { expiry: expiry() } });
    const resource = (await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).json;
    expect(resource.metadata.name).toBe(name);
    expect(resource.metadata.annotations.description).toBe(description);
  });

  it('invalid input is never echoed back in the problem', async () => {
    const { alice } = await tenantWithUsers();
    const marker = 'ECHO-MARKER-7f3a';
    const responses = [
      await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: withName(`${marker}\u0000`) }),
      await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: withExpiry(marker) }),
      await h.current.call('POST', '/v1/apiKeys', { headers: alice.headers, body: `{"${marker}": ` }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.text).not.toContain(marker);
    }
  });
});
