import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, startApp } from '../e2e/harness.js';
import { ensureConsoleBuilt } from './support/browser.js';

const dist = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** How apps/api serves the built console: headers, cache rules, the public settings, and nothing in the API's document. */
describe('the console as apps/api serves it', () => {
  let h: E2eApp;
  const get = (url: string) => h.app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  beforeAll(async () => {
    ensureConsoleBuilt();
    h = await startApp('sqlite', { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', AUTH_OIDC_ISSUER: 'https://id.example.com/realms/acme', AUTH_OIDC_CLIENT_ID: 'console', MAX_KEY_LIFETIME_DAYS: '90' });
  }, 60_000);
  afterAll(async () => {
    await h?.destroy();
  });

  it('serves the page with a strict Content-Security-Policy and no cache; the built page has no inline script', async () => {
    const page = await get('/console/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!id\.example\.com)/);
    // The provider's origin only where the token calls go.
    expect(csp).toContain("connect-src 'self' https://id.example.com");
    expect(page.headers['x-frame-options']).toBe('DENY');
    const html = readFileSync(`${dist}index.html`, 'utf8');
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => /\bsrc="\/console\/assets\/[\w.-]+\.js"/.test(tag))).toBe(true);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('caches hashed assets for a year and answers any console path with the page', async () => {
    const script = /src="(\/console\/assets\/[^"]+)"/.exec(readFileSync(`${dist}index.html`, 'utf8'))![1]!;
    const asset = await get(script);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script).toMatch(/-[\w-]{8}\.js$/);
    const deep = await get('/console/keys/some-key');
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['cache-control']).toBe('no-cache');
    expect((await get('/console/assets/missing-12345678.js')).statusCode).toBe(404);
    const bare = await get('/console');
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
  });

  it('tells the console how to sign in, without secrets, and never caches it', async () => {
    const settings = await get('/console/config.json');
    expect(settings.statusCode).toBe(200);
    expect(settings.headers['cache-control']).toBe('no-store');
    expect(settings.json()).toEqual({
      oidc: { issuer: 'https://id.example.com/realms/acme', clientId: 'console' },
      devSignIn: false,
      maxKeyLifetimeDays: 90,
      auditEnabled: false,
    });
  });

  it('keeps /console out of the OpenAPI document', async () => {
    const document = (await get('/docs/openapi.json')).json();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });
});
