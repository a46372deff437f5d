import { describe, expect, it } from 'vitest';
import { type Actor, type ApiResponse, READ_MODELS, createBody, expectProblem, fieldsOf, tenantWithUsers, useApp } from '../e2e/harness.js';

/**
 * The defects an outside fuzzer found (issue 10), one named case each. Every one of them answered
 * 500, a non-problem body, or a false success on the code before the fix.
 */
describe.each(READ_MODELS)('fuzzer findings stay fixed (%s read model)', (kind) => {
  const h = useApp(kind);

  /** A tenant with one key of alice's, and a way to check that a refused request wrote nothing. */
  const setUp = async () => {
    const users = await tenantWithUsers();
    const key = await h.current.createKey(users.alice.headers, createBody('existing', { description: 'kept' }));
    const snapshot = async () => ({ head: await h.current.head(), listing: JSON.stringify((await h.current.listAll(users.admin.headers)).items) });
    const before = await snapshot();
    return { ...users, key, url: `/v1/apiKeys/${key.uid}`, expectNothingWritten: async () => expect(await snapshot()).toEqual(before) };
  };
  const send = (method: string, url: string, as: Actor, body?: unknown) => h.current.call(method, url, { headers: as.headers, body });
  const expect400 = (response: ApiResponse, field: string) => {
    expectProblem(response, 400, 'InvalidRequest');
    expect(fieldsOf(response)).toContain(field);
  };

  describe('1. deeply nested JSON is refused before mapping (was 500: stack overflow in class-transformer)', () => {
    const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    it.each([
      ['POST with 1,500 nested arrays in spec', 'POST', '', () => `{"metadata":{"name":"k"},"spec":${deepArray(1500)}}`],
      ['PUT with 3,000 nested objects in description', 'PUT', '/KEY', () => `{"metadata":{"name":"k","annotations":{"description":${deepObject(3000)}}}}`],
      ['PATCH with 5,000 nested arrays', 'PATCH', '/KEY', () => `{"isActive":${deepArray(5000)}}`],
      ['PUT state with 20 nested objects (just past the bound)', 'PUT', '/KEY/state', () => `{"isActive":${deepObject(20)}}`],
    ])('%s', async (_name, method, suffix, body) => {
      const { alice, key, expectNothingWritten } = await setUp();
      const response = await send(method, `/v1/apiKeys${suffix.replace('KEY', key.uid)}`, alice, body());
      expect400(response, 'body');
      expect(response.json.errors[0].message).toContain('16 levels');
      await expectNothingWritten();
    });
  });

  describe('2. dates are strict RFC 3339 with one parser (was 500: Invalid time value)', () => {
    it.each([
      ['to', '2009-W01-1'],
      ['from', '2009-123'],
      ['to', '20090519'],
      ['from', '2010-02-18T16:23.4'],
      ['to', '2010-02-18T16:23:00'],
      ['from', '2027-02-30T00:00:00Z'],
    ])('GET /v1/audit/events?%s=%s is 400', async (parameter, value) => {
      const { admin } = await setUp();
      expect400(await h.current.call('GET', '/v1/audit/events', { headers: admin.headers, query: { [parameter]: value } }), parameter);
    });

    it('an RFC 3339 date-time with an offset, and the zero time, are read', async () => {
      const { admin } = await setUp();
      const response = await h.current.call('GET', '/v1/audit/events', { headers: admin.headers, query: { from: '0001-01-01T00:00:00.000Z', to: '2999-01-01T01:00:00.5+01:00' } });
      expect(response.status, response.text).toBe(200);
    });

    it('the read-only timestamps a client echoes back are date-times too', async () => {
      const { alice, url, expectNothingWritten } = await setUp();
      expect400(await send('PUT', url, alice, { metadata: { name: 'k', creationTimestamp: '2009-W01-1' } }), 'metadata.creationTimestamp');
      await expectNothingWritten();
    });
  });

  describe('3. fields named like Object.prototype members are unknown fields (was accepted)', () => {
    it('PATCH {"isActive":false,"toString":1} is 400 and revokes nothing', async () => {
      const { alice, key, url, expectNothingWritten } = await setUp();
      expect400(await send('PATCH', url, alice, '{"isActive":false,"toString":1}'), 'toString');
      await expectNothingWritten();
      expect((await h.current.call('GET', url, { headers: { apiKey: key.apiKey } })).status).toBe(200);
    });

    it.each(['hasOwnProperty', 'valueOf', '__defineGetter__', 'toString', 'isPrototypeOf', '__lookupSetter__'])('"%s" is refused as a field at every depth of POST and PUT', async (name) => {
      const { alice, url, expectNothingWritten } = await setUp();
      const expiry = createBody('x').spec.expiry;
      const places: Array<[string, unknown]> = [
        [name, { metadata: { name: 'k' }, spec: { expiry }, [name]: 1 }],
        [`metadata.${name}`, { metadata: { name: 'k', [name]: 'x' }, spec: { expiry } }],
        [`spec.${name}`, { metadata: { name: 'k' }, spec: { expiry, [name]: 'x' } }],
      ];
      for (const [field, body] of places) {
        expect400(await send('POST', '/v1/apiKeys', alice, body), field);
        expect400(await send('PUT', url, alice, body), field);
      }
      await expectNothingWritten();
    });

    it.each(['hasOwnProperty', 'valueOf', 'toString'])('"%s" is an ordinary key inside the free-form annotations and labels', async (name) => {
      const { alice } = await setUp();
      const body = { metadata: { name: 'k', annotations: { [name]: 'a' }, labels: { [name]: 'l' } }, spec: { expiry: createBody('x').spec.expiry } };
      const created = await send('POST', '/v1/apiKeys', alice, body);
      expect(created.status, created.text).toBe(201);
      const got = await h.current.call('GET', `/v1/apiKeys/${created.json.uid}`, { headers: alice.headers });
      expect([got.json.metadata.annotations[name], got.json.metadata.labels[name]]).toEqual(['a', 'l']);
    });

    it.each(['constructor', '__proto__', 'prototype'])('the reserved name "%s" is refused in bodies at any depth and in every query', async (name) => {
      const { alice, url, expectNothingWritten } = await setUp();
      const expiry = createBody('x').spec.expiry;
      expect400(await send('POST', '/v1/apiKeys', alice, `{"metadata":{"name":"k","${name}":"x"},"spec":{"expiry":"${expiry}"}}`), name === '__proto__' ? 'body' : `metadata.${name}`);
      expect400(await send('PUT', url, alice, `{"metadata":{"name":"k","annotations":{"${name}":{"a":1}}}}`), name === '__proto__' ? 'body' : `metadata.annotations.${name}`);
      expect400(await send('PUT', url, alice, `{"metadata":{"name":"k","labels":{"${name}":"x"}}}`), name === '__proto__' ? 'body' : `metadata.labels.${name}`);
      for (const path of ['/v1/apiKeys', url, '/v1/audit/events']) expect400(await h.current.call('GET', `${path}?${name}=x`, { headers: alice.headers }), name);
      await expectNothingWritten();
    });

    it('?constructor=x on GET /v1/apiKeys is refused like ?foo=1', async () => {
      const { alice } = await setUp();
      expect400(await h.current.call('GET', '/v1/apiKeys?foo=1', { headers: alice.headers }), 'foo');
      expect400(await h.current.call('GET', '/v1/apiKeys?constructor=x', { headers: alice.headers }), 'constructor');
      expect400(await h.current.call('GET', '/v1/apiKeys?toString=x', { headers: alice.headers }), 'toString');
    });
  });

  describe('4. null is refused, never recorded as a change (was a KeyEdited claiming the description became null)', () => {
    it('PUT with "description": null is 400 and appends nothing; the key keeps its description and version', async () => {
      const { alice, url, expectNothingWritten } = await setUp();
      const etag = (await send('GET', url, alice)).headers.etag;
      expect400(await send('PUT', url, alice, { metadata: { name: 'existing', annotations: { description: null } } }), 'metadata.annotations.description');
      await expectNothingWritten();
      const after = await send('GET', url, alice);
      expect(after.headers.etag).toBe(etag);
      expect(after.json.metadata.annotations.description).toBe('kept');
    });

    it.each([
      ['PATCH {"isActive": null} (was read as false: a revoke)', 'PATCH', '', { isActive: null }, 'isActive'],
      ['PUT state {"isActive": null}', 'PUT', '/state', { isActive: null }, 'isActive'],
      ['PUT with "spec": null', 'PUT', '', { metadata: { name: 'k' }, spec: null }, 'spec'],
      ['PUT with "annotations": null', 'PUT', '', { metadata: { name: 'k', annotations: null } }, 'metadata.annotations'],
      ['PUT with "expiry": null', 'PUT', '', { metadata: { name: 'k' }, spec: { expiry: null } }, 'spec.expiry'],
    ])('%s is 400 and changes nothing', async (_name, method, suffix, body, field) => {
      const { alice, url, expectNothingWritten } = await setUp();
      expect400(await send(method, `${url}${suffix}`, alice, body), field);
      await expectNothingWritten();
    });
  });

  describe('5. Fastify’s own errors are problems with a registered code and no echo (were plain JSON echoing the URL)', () => {
    it.each([
      ['a uid over 100 characters', `/v1/apiKeys/${'a'.repeat(101)}`, 414, 'UriTooLong'],
      ['malformed percent-encoding %ZZ', '/v1/apiKeys/%ZZ', 400, 'InvalidRequest'],
      ['an overlong UTF-8 encoding %C0%AE', '/v1/apiKeys/%C0%AE', 400, 'InvalidRequest'],
      ['an unknown route', '/v1/nothing/ks_should_not_echo', 404, 'ResourceNotFound'],
    ])('%s', async (_name, path, status, code) => {
      const { alice } = await setUp();
      const response = await h.current.call('GET', path, { headers: alice.headers });
      expectProblem(response, status, code);
      expect(response.text).not.toContain(path.split('/').pop());
    });

    it('405 with Allow for a method the path does not have', async () => {
      const { alice, url } = await setUp();
      const response = await send('POST', `${url}/state`, alice, {});
      expectProblem(response, 405, 'MethodNotAllowed');
      expect(response.headers.allow).toBe('PUT');
    });

    it('415 for a body that is not JSON; 413 past 64 KiB', async () => {
      const { alice, expectNothingWritten } = await setUp();
      const xml = await h.current.call('POST', '/v1/apiKeys', { headers: { ...alice.headers, 'content-type': 'application/xml' }, body: '<key/>' });
      expectProblem(xml, 415, 'UnsupportedMediaType');
      expectProblem(await send('POST', '/v1/apiKeys', alice, 'x'.repeat(70_000)), 413, 'PayloadTooLarge');
      await expectNothingWritten();
    });
  });

  describe('6. response headers', () => {
    it('no x-powered-by, nosniff everywhere; the create that shows a key value is no-store', async () => {
      const { alice } = await setUp();
      const created = await send('POST', '/v1/apiKeys', alice, createBody('headers'));
      expect(created.status).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      for (const response of [created, await send('GET', '/v1/apiKeys', alice), await h.current.call('GET', '/v1/nothing')]) {
        expect(response.headers['x-powered-by']).toBeUndefined();
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });
});
