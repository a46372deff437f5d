import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { READ_MODELS, ZERO_TIME, tenantWithUsers, useApp } from '../e2e/harness.js';
import { paletteContractViolations } from './support/palette-contract.js';
import { type RawResponse, goRequest, rawExchange } from './support/raw-http.js';

/**
 * Palette's Go SDK (spectrocloud/palette-sdk-go, client/api_key.go over the go-openapi runtime),
 * replayed request by request on a raw socket: CreateAPIKey (users/info first, then a create whose
 * `spec.userUid` is the tenant uid and whose annotations go beyond `description`), GetAPIKeys,
 * DeleteAPIKey / DeleteAPIKeyByName (DELETE with a JSON content type and an empty body). Every answer
 * must be one the SDK can decode: JSON media types only, the spec's shapes, `ResourceNotFound` on 404.
 */
describe.each(READ_MODELS)('Palette Go SDK on the wire (%s read model)', (kind) => {
  const h = useApp(kind);
  let port: number;
  beforeAll(async () => {
    await h.current.app.listen(0, '127.0.0.1');
    port = (h.current.app.getHttpServer().address() as AddressInfo).port;
  });

  /** One exchange, also held to Palette's spec and the error media-type rule. */
  const send = async (method: string, path: string, credentials: { Apikey: string } | { Authorization: string }, body?: string): Promise<RawResponse> => {
    const response = await rawExchange(port, goRequest(port, method, path, credentials, body));
    let json: unknown;
    try {
      json = response.text === '' ? undefined : JSON.parse(response.text);
    } catch {
      json = undefined;
    }
    const violations = paletteContractViolations({ method, url: path, headers: { accept: 'application/json' } }, { ...response, json });
    expect(violations, response.text).toEqual([]);
    // go-openapi picks a decoder by media type before it looks at the status; it has one for JSON.
    if (response.text !== '') expect(response.headers['content-type']).toMatch(/^application\/json/);
    return response;
  };

  /** The body go-openapi's JSON producer writes: json.Encoder output, so with a trailing newline. */
  const createBody = (name: string, tenantUid: string) =>
    `${JSON.stringify({
      metadata: {
        annotations: { Description: 'Automation-Test', team: 'platform' },
        creationTimestamp: ZERO_TIME,
        deletionTimestamp: ZERO_TIME,
        lastModifiedTimestamp: ZERO_TIME,
        name,
      },
      spec: { expiry: new Date(Date.now() + 5 * 3_600_000).toISOString(), userUid: tenantUid },
    })}\n`;

  it.each(['user', 'tenant admin'])('CreateAPIKey as a %s makes a key the caller owns, then GetAPIKeys and DeleteAPIKeyByName work', async (who) => {
    const { admin, alice } = await tenantWithUsers();
    const caller = who === 'user' ? alice : admin;
    const jwt = { Authorization: caller.token }; // Palette sends the raw token, no "Bearer"

    const info = await send('GET', '/v1/users/info', jwt);
    expect(info.status).toBe(200);
    const { tenantUid, userUid } = JSON.parse(info.text);
    expect([tenantUid, userUid]).toEqual([caller.tenant, caller.userId]);

    const created = await send('POST', '/v1/apiKeys', jwt, createBody('sdk-key', tenantUid));
    expect(created.status, created.text).toBe(201);
    const { uid, apiKey } = JSON.parse(created.text);

    const listed = await send('GET', '/v1/apiKeys', { Apikey: apiKey });
    expect(listed.status).toBe(200);
    const [key] = JSON.parse(listed.text).items.filter((item: { metadata: { name: string } }) => item.metadata.name === 'sdk-key');
    expect(key.metadata.uid).toBe(uid);
    expect(key.spec.user.uid).toBe(caller.userId);
    expect(key.metadata.annotations).toMatchObject({ Description: 'Automation-Test', team: 'platform', ownerUid: caller.userId });
    expect(key.metadata.annotations.scope).toBe(who === 'user' ? 'user' : 'tenant');

    const deleted = await send('DELETE', `/v1/apiKeys/${uid}`, jwt);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    const again = await send('DELETE', `/v1/apiKeys/${uid}`, jwt);
    expect([again.status, JSON.parse(again.text).code]).toEqual([404, 'ResourceNotFound']);
  });

  it('an unknown uid on DELETE is 404 ResourceNotFound as JSON, which the SDK’s not-found checks read', async () => {
    const { alice } = await tenantWithUsers();
    const response = await send('DELETE', `/v1/apiKeys/${'a'.repeat(24)}`, { Authorization: alice.token });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'ResourceNotFound', message: expect.any(String) });
  });

  it('a present but malformed body is still a 400 that names the body', async () => {
    const { alice } = await tenantWithUsers();
    const response = await send('POST', '/v1/apiKeys', { Authorization: alice.token }, '{"metadata":');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'InvalidRequest', errors: [{ field: 'body', message: expect.any(String) }] });
  });
});
