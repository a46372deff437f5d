import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../e2e/harness.js';
import { expectAccessible, sharedChromium, openPage, type ServedApp, serveApp } from './support/browser.js';
import { freePort, startOidcProvider } from './support/oidc-provider.js';

/** Sign-in with OpenID Connect (authorization code + PKCE) against a real provider; the API verifies the JWT through its JWKS. */
describe('console in Chromium: OpenID Connect sign-in', () => {
  const chromium = sharedChromium();
  let app: ServedApp;
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  const clientId = 'keystream-console';
  const account = { sub: randomId('olivia'), tenant: randomId('tenant'), roles: ['tenant-admin'] };

  beforeAll(async () => {
    const providerPort = await freePort();
    const issuer = `http://127.0.0.1:${providerPort}`;
    app = await serveApp('sqlite', {
      AUTH_JWT_SECRET: '',
      AUTH_JWKS_URL: `${issuer}/jwks`,
      AUTH_JWT_ISSUER: issuer,
      AUTH_OIDC_ISSUER: issuer,
      AUTH_OIDC_CLIENT_ID: clientId,
    });
    provider = await startOidcProvider(providerPort, clientId, app.url, account);
  }, 120_000);
  afterAll(async () => {
    await chromium.close();
    await app?.destroy();
    await provider?.close();
  });

  it('signs in through the provider with PKCE, calls the API with the JWT, keeps no token in storage and signs out', async () => {
    const { context, page, traffic, cspViolations } = await openPage(await chromium.get());
    await page.goto(`${app.url}/console/`);
    // With a provider configured there is no development sign-in.
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).waitFor();
    await expect(page.getByLabel('Token or API key').count()).resolves.toBe(0);
    await expectAccessible(page, 'OIDC sign-in page');
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).click();

    // The provider's own development login and consent pages.
    await page.waitForURL((url) => url.origin === provider.issuer);
    const authorize = traffic.find((line) => line.startsWith('> GET') && line.includes('/auth?'))!;
    expect(authorize).toMatch(/code_challenge=[\w-]{43}/);
    expect(authorize).toMatch(/code_challenge_method=S256/);
    expect(authorize).toMatch(/response_type=code/);
    await page.locator('input[name="login"]').fill(account.sub);
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back in the console, signed in as the provider's user, with the tenant-admin role from the token.
    await page.waitForURL(`${app.url}/console/`);
    await page.getByRole('heading', { name: 'My API Keys', level: 1 }).waitFor();
    await expect(page.getByText(`${account.sub} · ${account.tenant} · tenant admin`).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Tenant API Keys' }).isVisible()).resolves.toBe(true);
    const apiCall = traffic.find((line) => line.startsWith('> GET') && line.includes('/v1/apiKeys?'))!;
    const jwt = /"authorization":"Bearer ([\w-]+\.[\w-]+\.[\w-]+)"/.exec(apiCall)?.[1];
    expect(jwt, 'the console calls the API with the provider’s JWT').toBeDefined();
    const claims = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ iss: provider.issuer, sub: account.sub, tenant: account.tenant, roles: ['tenant-admin'] });

    // Tokens live in memory only: no storage holds the JWT, and nothing of the code flow remains.
    const stored = await page.evaluate(() => {
      const w = globalThis as any;
      return JSON.stringify({ ...w.localStorage }) + JSON.stringify({ ...w.sessionStorage }) + w.document.cookie;
    });
    expect(stored).not.toContain(jwt!);
    expect(stored).not.toMatch(/oidc\./);
    expect(cspViolations).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).waitFor();
    await expect(page.evaluate((token) => (globalThis as any).document.documentElement.outerHTML.includes(token), jwt!)).resolves.toBe(false);
    await context.close();
  }, 120_000);
});
