import { describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_USER, READ_MODELS, createBody, expectProblem, tenantWithUsers, useApp } from './harness.js';

describe.each(READ_MODELS)('concurrency (%s read model)', (kind) => {
  const h = useApp(kind);
  const etagRevision = (etag: unknown) => Number(/"(\d+)"/.exec(String(etag))?.[1]);

  it('20 concurrent edits of one key: each 204 or 409 ConcurrencyConflict, and the last write wins whole', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('original'));
    const url = `/v1/apiKeys/${key.uid}`;
    const names = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const responses = await Promise.all(
      names.map((name) => h.current.call('PUT', url, { headers: alice.headers, body: { metadata: { name, annotations: { description: `by ${name}` } } } })),
    );
    for (const response of responses) {
      if (response.status !== 204) expectProblem(response, 409, 'ConcurrencyConflict');
    }
    const succeeded = responses.filter((response) => response.status === 204).length;
    expect(succeeded).toBeGreaterThan(0);

    const final = await h.current.call('GET', url, { headers: alice.headers });
    expect(names).toContain(final.json.metadata.name);
    // Name and description come from the same request: no torn write.
    expect(final.json.metadata.annotations.description).toBe(`by ${final.json.metadata.name}`);
    // One event per accepted edit, none for a refused one: revision 0 is the creation.
    expect(etagRevision(final.headers.etag)).toBe(succeeded);
    const listed = (await h.current.call('GET', '/v1/apiKeys', { headers: alice.headers })).json.items[0];
    expect(listed).toEqual(final.json);
    expect((await h.current.call('GET', url, { headers: { apiKey: key.apiKey } })).status).toBe(200);
  });

  it('two clients holding the same ETag: the first update wins, the second gets 412', async () => {
    const { admin, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('original'));
    const url = `/v1/apiKeys/${key.uid}`;
    const etagA = (await h.current.call('GET', url, { headers: alice.headers })).headers.etag as string;
    const etagB = (await h.current.call('GET', url, { headers: admin.headers })).headers.etag as string;
    expect(etagB).toBe(etagA);

    const first = await h.current.call('PUT', url, { headers: { ...alice.headers, 'if-match': etagA }, body: { metadata: { name: 'alice-wins' } } });
    expect(first.status).toBe(204);
    const second = await h.current.call('PUT', url, { headers: { ...admin.headers, 'if-match': etagB }, body: { metadata: { name: 'admin-loses' } } });
    expectProblem(second, 412, 'PreconditionFailed');
    expect((await h.current.call('GET', url, { headers: alice.headers })).json.metadata.name).toBe('alice-wins');
  });

  it('10 concurrent updates with the same If-Match: exactly one wins, the others get 412', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('original'));
    const url = `/v1/apiKeys/${key.uid}`;
    const etag = (await h.current.call('GET', url, { headers: alice.headers })).headers.etag as string;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.current.call('PUT', url, { headers: { ...alice.headers, 'if-match': etag }, body: { metadata: { name: `racer-${i}` } } }),
      ),
    );
    const winners = responses.flatMap((response, i) => (response.status === 204 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const response of responses) if (response.status !== 204) expectProblem(response, 412, 'PreconditionFailed');
    const final = await h.current.call('GET', url, { headers: alice.headers });
    expect(final.json.metadata.name).toBe(`racer-${winners[0]}`);
    expect(etagRevision(final.headers.etag)).toBe(etagRevision(etag) + 1);
  });

  it(`${MAX_KEYS_PER_USER + 5} concurrent creates for one user: exactly ${MAX_KEYS_PER_USER} succeed`, async () => {
    const { admin, alice } = await tenantWithUsers();
    const responses = await Promise.all(
      Array.from({ length: MAX_KEYS_PER_USER + 5 }, (_, i) =>
        h.current.call('POST', '/v1/apiKeys', {
          // Half by Alice herself, half by the admin on her behalf: one limit for both.
          headers: i % 2 === 0 ? alice.headers : admin.headers,
          body: createBody(`k${i}`, i % 2 === 0 ? {} : { userUid: alice.userId }),
        }),
      ),
    );
    const created = responses.filter((response) => response.status === 201);
    expect(created).toHaveLength(MAX_KEYS_PER_USER);
    for (const response of responses) if (response.status !== 201) expectProblem(response, 409, 'ApiKeyLimitReached');
    expect((await h.current.listAll(alice.headers)).items).toHaveLength(MAX_KEYS_PER_USER);
  });

  it('concurrent revoke and re-activate leave a consistent state that verification agrees with', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('k'));
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.current.call('PUT', `/v1/apiKeys/${key.uid}/state`, { headers: alice.headers, body: { isActive: i % 2 === 0 } }),
      ),
    );
    for (const response of responses) if (response.status !== 204) expectProblem(response, 409, 'ConcurrencyConflict');
    const { isActive } = (await h.current.call('GET', `/v1/apiKeys/${key.uid}`, { headers: alice.headers })).json.status;
    expect((await h.current.call('GET', '/v1/apiKeys', { headers: { apiKey: key.apiKey } })).status).toBe(isActive ? 200 : 401);
  });
});
