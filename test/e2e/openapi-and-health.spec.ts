import { describe, expect, it } from 'vitest';
import { READ_MODELS, useApp } from './harness.js';

/** Every route of the contract with its documented success code, and what errors it documents. */
const CONTRACT: [method: string, path: string, success: string, errors: string[]][] = [
  ['post', '/v1/apiKeys', '201', ['400', '401', '403', '409', '413', '429', '503']],
  ['get', '/v1/apiKeys', '200', ['400', '401', '429', '503']],
  ['get', '/v1/apiKeys/{uid}', '200', ['401', '404', '429', '503']],
  ['put', '/v1/apiKeys/{uid}', '204', ['400', '401', '404', '412', '413', '429', '503']],
  ['put', '/v1/apiKeys/{uid}/state', '204', ['400', '401', '404', '409', '412', '429', '503']],
  ['patch', '/v1/apiKeys/{uid}', '204', ['400', '401', '404', '409', '412', '429', '503']],
  ['delete', '/v1/apiKeys/{uid}', '204', ['401', '404', '429', '503']],
  ['get', '/v1/users/info', '200', ['401', '429', '503']],
];
/** The audit trail (tenant admins: the tenant's; anyone else: their own keys'), an extension beyond Palette's API. */
const AUDIT_ROUTE: (typeof CONTRACT)[number] = ['get', '/v1/audit/events', '200', ['400', '401', '429', '503']];
/** Verification for gateways and services, extensions beyond Palette's API (README, "Key values and verification"). */
const VERIFY_ROUTES: typeof CONTRACT = [
  ['get', '/v1/auth/verify', '204', ['401', '429', '503']],
  ['post', '/v1/apiKeys/verify', '200', ['400', '401', '413', '429', '503']],
];

/** A tenant's API key policy, for its admins (README, "Tenant key policy"). */
const POLICY_ROUTES: typeof CONTRACT = [
  ['get', '/v1/tenants/{tenantUid}/apiKeyPolicy', '200', ['401', '403', '404', '429', '503']],
  ['put', '/v1/tenants/{tenantUid}/apiKeyPolicy', '204', ['400', '401', '403', '404', '412', '413', '429', '503']],
  ['get', '/v1/tenants/{tenantUid}/apiKeyPolicy/violations', '200', ['400', '401', '403', '404', '429', '503']],
];

/** Offboarding by hand, for tenant admins (README, "Offboarding and role changes (SCIM)"). */
const USER_KEYS_ROUTE: (typeof CONTRACT)[number] = ['post', '/v1/users/{userUid}/apiKeys/revoke', '200', ['400', '401', '403', '413', '429', '503']];
/** SCIM 2.0 for identity providers: documented, with SCIM's own error schema instead of problem+json. */
const SCIM_ROUTES: [method: string, path: string][] = [
  ...['get', 'post'].map((method): [string, string] => [method, '/scim/v2/Users']),
  ...['get', 'put', 'patch', 'delete'].map((method): [string, string] => [method, '/scim/v2/Users/{id}']),
  ...['get', 'post'].map((method): [string, string] => [method, '/scim/v2/Groups']),
  ...['get', 'put', 'patch', 'delete'].map((method): [string, string] => [method, '/scim/v2/Groups/{id}']),
  // Discovery (RFC 7644 §4).
  ...['/scim/v2/ServiceProviderConfig', '/scim/v2/ResourceTypes', '/scim/v2/ResourceTypes/{id}', '/scim/v2/Schemas', '/scim/v2/Schemas/{id}'].map((path): [string, string] => ['get', path]),
];

/** Issue 13's key lifecycle routes (README, "Key lifecycle"); the leaked-key report needs no credentials. */
const LIFECYCLE_ROUTES: typeof CONTRACT = [
  ['post', '/v1/apiKeys/leaked', '202', ['400', '413', '429', '503']],
  ['post', '/v1/apiKeys/{uid}/rotate', '200', ['400', '401', '404', '409', '412', '413', '429', '503']],
];

describe.each(READ_MODELS)('OpenAPI document and health (%s read model)', (kind) => {
  const h = useApp(kind);

  it('/docs/openapi.json is served without credentials as an OpenAPI 3 document', async () => {
    const response = await h.current.call('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/json/);
    expect(response.json.openapi).toMatch(/^3\./);
  });

  it.each([...CONTRACT, AUDIT_ROUTE, ...VERIFY_ROUTES, ...POLICY_ROUTES, USER_KEYS_ROUTE, ...LIFECYCLE_ROUTES])('documents %s %s with success %s and its problem responses', async (method, path, success, errors) => {
    const document = (await h.current.call('GET', '/docs/openapi.json')).json;
    const operation = document.paths?.[path]?.[method];
    expect(operation, `${method.toUpperCase()} ${path} is missing`).toBeDefined();
    const codes = Object.keys(operation.responses);
    expect(codes.filter((code) => code.startsWith('2'))).toEqual([success]);
    for (const code of errors) {
      expect(codes).toContain(code);
      expect(Object.keys(operation.responses[code].content ?? {})).toContain('application/problem+json');
    }
    if (path.includes('{uid}')) expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('path:uid');
  });

  it('documents no route beyond the contract’s, the audit trail’s, verification’s and the tenant policy’s', async () => {
    const document = (await h.current.call('GET', '/docs/openapi.json')).json;
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(([path, operations]) =>
      Object.keys(operations).filter((key) => key !== 'parameters').map((method) => `${method} ${path}`),
    );
    // GET /v1/audit/events is the audit trail (an extension beyond Palette's API).
    const expected = [...[...CONTRACT, AUDIT_ROUTE, ...VERIFY_ROUTES, ...POLICY_ROUTES, USER_KEYS_ROUTE, ...LIFECYCLE_ROUTES].map(([method, path]) => `${method} ${path}`), ...SCIM_ROUTES.map(([method, path]) => `${method} ${path}`)];
    expect(documented.sort()).toEqual(expected.sort());
  });

  it('documents the leaked-key report as needing no credentials', async () => {
    const document = (await h.current.call('GET', '/docs/openapi.json')).json;
    expect(document.paths['/v1/apiKeys/leaked'].post.security).toEqual([{}]);
    expect(document.paths['/v1/apiKeys/verify'].post.security).toBeUndefined();
  });

  it('documents both ways to authenticate: the apiKey header and a JWT', async () => {
    const document = (await h.current.call('GET', '/docs/openapi.json')).json;
    const schemes = Object.values(document.components.securitySchemes as Record<string, { type: string; in?: string; name?: string; scheme?: string }>);
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'apiKey' }));
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    // The SCIM routes name their own scheme, which must exist.
    expect(document.components.securitySchemes.scim).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/scim/v2/Users'].post.security).toEqual([{ scim: [] }]);
  });

  it('the create response documents { uid, apiKey } and a key documents metadata, spec and status', async () => {
    const document = (await h.current.call('GET', '/docs/openapi.json')).json;
    const resolve = (schema: { $ref?: string }) => (schema.$ref ? document.components.schemas[schema.$ref.split('/').at(-1)!] : schema);
    const created = resolve(document.paths['/v1/apiKeys'].post.responses['201'].content['application/json'].schema);
    expect(Object.keys(created.properties).sort()).toEqual(['apiKey', 'uid']);
    const key = resolve(document.paths['/v1/apiKeys/{uid}'].get.responses['200'].content['application/json'].schema);
    expect(Object.keys(key.properties).sort()).toEqual(['metadata', 'spec', 'status']);
  });

  it('the /docs UI answers without credentials', async () => {
    const response = await h.current.call('GET', '/docs');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/text\/html/);
  });

  it('/healthz and /readyz answer 200 without credentials; readiness reports both stores', async () => {
    const health = await h.current.call('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok' });
    const ready = await h.current.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'ready', eventStore: true, readModel: true });
  });

  it('health answers even with bad credentials attached (they are not checked there)', async () => {
    for (const path of ['/healthz', '/readyz']) {
      expect((await h.current.call('GET', path, { headers: { apiKey: 'garbage', authorization: 'Bearer garbage' } })).status).toBe(200);
    }
  });
});
