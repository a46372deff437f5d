import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@keystream/api-keys';
import { mintToken, randomId } from '../e2e/harness.js';
import { devSignIn, expectAccessible, sharedChromium, openPage, pageHolds, screenshot, type ServedApp, serveApp } from './support/browser.js';

const isoDay = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/** A plain user in a real Chromium: every action on their own keys, and what they must not reach. */
describe('console in Chromium: a plain user', () => {
  const chromium = sharedChromium();
  let app: ServedApp;
  const tenant = randomId('tenant');
  const user = randomId('user');

  beforeAll(async () => {
    app = await serveApp();
  }, 120_000);
  afterAll(async () => {
    await chromium.close();
    await app?.destroy();
  });

  /** Calls the API from the test, as curl would, with the key read from the reveal field. */
  const withKey = (apiKey: string, uid: string) => fetch(`${app.url}/v1/apiKeys/${uid}`, { headers: { apiKey } }).then((r) => r.status);

  const rowMenu = async (page: Page, name: string, action: string) => {
    await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
    await page.getByRole('menuitem', { name: action }).click();
  };

  /** Fills the Add dialog and returns the value and uid from the one-time reveal, then closes it. */
  const createKey = async (page: Page, name: string, expiration: string, customDay?: string, shot?: string) => {
    await page.getByRole('button', { name: 'Add New API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add New API Key' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Description').fill(`${name} for the browser test`);
    await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: expiration });
    if (customDay) await dialog.getByLabel(/Expiration date/).fill(customDay);
    if (shot) await screenshot(page, shot);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const reveal = page.getByRole('dialog', { name: `API key “${name}” created` });
    await expect.poll(() => reveal.isVisible()).toBe(true);
    await expect(reveal.getByText('It will not be shown again').isVisible()).resolves.toBe(true);
    const value = await reveal.getByLabel('API key value').inputValue();
    if (shot) await screenshot(page, `${shot}-reveal`);
    await reveal.getByRole('button', { name: /close/ }).click();
    await reveal.waitFor({ state: 'detached' });
    const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
    return { value, uid: decodeURIComponent(href!.split('/').at(-1)!) };
  };

  it('signs in, creates keys with a preset and a custom date, uses one, edits, revokes, re-activates and deletes it', async () => {
    const { context, page, traffic, cspViolations } = await openPage(await chromium.get());
    await page.goto(`${app.url}/console/`);
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await expectAccessible(page, 'sign-in page');
    await screenshot(page, 'sign-in');
    await devSignIn(page, app.url, await mintToken(tenant, user));
    await expect(page.getByRole('link', { name: 'Tenant API Keys' }).count()).resolves.toBe(0);
    await expectAccessible(page, 'My API Keys (empty)');

    const preset = await createKey(page, 'deploy-bot', '30 days', undefined, 'add-dialog');
    expect(preset.value).toMatch(/\S{20,}/);
    // The value is gone from the page, the storages and the URL once the dialog is closed.
    const sentBefore = traffic.length;
    expect(await pageHolds(page, preset.value)).toEqual([]);
    const custom = await createKey(page, 'nightly-report', 'Custom date', isoDay(45));
    await expect(page.getByRole('row', { name: /nightly-report/ }).getByText('expires in 45 days').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /deploy-bot/ }).getByText('expires in 30 days').isVisible()).resolves.toBe(true);
    expect(custom.uid).not.toBe(preset.uid);
    await screenshot(page, 'my-keys');

    // The key works from outside, as curl would use it.
    expect(await withKey(preset.value, preset.uid)).toBe(200);

    // Edit: the table shows the new name at once.
    await rowMenu(page, 'deploy-bot', 'Edit');
    const edit = page.getByRole('dialog', { name: /Edit API Key/ });
    await edit.getByLabel('Name').fill('deploy-bot-prod');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('API key updated.').waitFor();
    await page.getByRole('link', { name: 'deploy-bot-prod', exact: true }).waitFor();

    // Revoke, after a confirmation naming the key: refused by the very next request.
    await rowMenu(page, 'deploy-bot-prod', 'Revoke');
    const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
    await expect(confirm.getByText('Revoke “deploy-bot-prod”?').isVisible()).resolves.toBe(true);
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('status').getByText('API key “deploy-bot-prod” revoked.').waitFor();
    // The toast comes before the list's reload: wait for the row to show the new state.
    await expect.poll(() => page.getByRole('row', { name: /deploy-bot-prod/ }).getByText('revoked', { exact: true }).isVisible()).toBe(true);
    expect(await withKey(preset.value, preset.uid)).toBe(401);

    // The revoked filter shows it alone; the name search finds the other one.
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByLabel('Status').selectOption('all');
    await page.getByLabel('Search by name').fill('nightly');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'deploy-bot-prod' }).count()).toBe(0);
    await page.getByLabel('Search by name').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();

    await rowMenu(page, 'deploy-bot-prod', 'Re-activate');
    await page.getByRole('status').getByText('API key “deploy-bot-prod” re-activated.').waitFor();
    expect(await withKey(preset.value, preset.uid)).toBe(200);

    await rowMenu(page, 'deploy-bot-prod', 'Delete');
    await page.getByRole('dialog', { name: 'Delete API key' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').getByText('API key “deploy-bot-prod” deleted.').waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'deploy-bot-prod' }).count()).toBe(0);
    expect(await withKey(preset.value, preset.uid)).toBe(401);

    // Nothing the page sent or received after the reveal carried the value, and nothing kept it.
    expect(traffic.slice(sentBefore).filter((line) => line.includes(preset.value))).toEqual([]);
    expect(traffic.filter((line) => line.includes(custom.value) && !line.startsWith('< 201'))).toEqual([]);
    expect(await pageHolds(page, custom.value)).toEqual([]);
    expect(cspViolations).toEqual([]);
    await expectAccessible(page, 'My API Keys (with keys)');
    await context.close();
  }, 180_000);

  it('shows the API’s field errors beside the field', async () => {
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, user));
    await page.getByRole('button', { name: 'Add New API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add New API Key' });
    await dialog.getByLabel('Name').fill('x'.repeat(129));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const name = dialog.getByLabel('Name');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    const described = await name.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${described}"]`).textContent()).resolves.toMatch(/name/i);
    await expectAccessible(page, 'Add dialog with a field error');
    await context.close();
  }, 60_000);

  it('has no tenant pages and cannot open another user’s key by its URL', async () => {
    const other = await app.createKey({ authorization: `Bearer ${await mintToken(tenant, randomId('other'))}` }, {
      metadata: { name: 'not-yours' },
      spec: { expiry: new Date(Date.now() + 10 * DAY_MS).toISOString() },
    });
    const { context, page } = await openPage(await chromium.get(), 'phone');
    // The console learns the role from user info's `role`: no probe of an admin-only route for a 403.
    const policyCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/apiKeyPolicy')) policyCalls.push(request.url());
    });
    await devSignIn(page, app.url, await mintToken(tenant, user));
    await expectAccessible(page, 'My API Keys at 390 px');
    await screenshot(page, 'my-keys-phone');
    await expect(page.getByRole('link', { name: 'Tenant API Keys' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Audit' }).count()).resolves.toBe(0);
    expect(policyCalls).toEqual([]);
    // Typed into the address bar (a full load, so a new sign-in): the tenant page and the other user's key.
    const token = await mintToken(tenant, user);
    await devSignIn(page, app.url, token, '/console/tenant');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await devSignIn(page, app.url, token, `/console/keys/${other.uid}`);
    await page.getByRole('heading', { name: 'API key not found' }).waitFor();
    await expect(page.getByText('not-yours').count()).resolves.toBe(0);
    await context.close();
  }, 60_000);

  it('explains a refused credential in words and signs out leaving nothing behind', async () => {
    const { context, page } = await openPage(await chromium.get());
    await page.goto(`${app.url}/console/`);
    await page.getByLabel('Token or API key').fill(await mintToken(tenant, user, false, { expiresIn: -60 }));
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await page.getByRole('alert').getByText(/refused this token or key/).waitFor();
    const token = await mintToken(tenant, user);
    await devSignIn(page, app.url, token);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Keystream' }).waitFor();
    expect(await pageHolds(page, token)).toEqual([]);
    await expect(page.evaluate(() => (globalThis as any).localStorage.length + (globalThis as any).sessionStorage.length)).resolves.toBe(0);
    await context.close();
  }, 60_000);
  it('explains 503, 429 and an expired session in words', async () => {
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, user));
    const refuse = async (status: number, retryAfter?: string) => {
      await page.unrouteAll();
      await page.route(
        (url) => url.pathname === '/v1/apiKeys',
        (route) =>
          route.fulfill({
            status,
            headers: { 'content-type': 'application/problem+json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
            body: JSON.stringify({ type: 'about:blank', title: 'refused', status, detail: 'refused', code: 'X', message: 'refused' }),
          }),
      );
      await page.getByRole('button', { name: 'Apply' }).click();
    };
    await refuse(503, '7');
    await page.getByRole('alert').getByText('Keystream is busy or one of its stores is unavailable. Try again in 7 seconds.').waitFor();
    await refuse(429, '3');
    await page.getByRole('alert').getByText('Too many requests in a short time. Try again in 3 seconds.').waitFor();
    await refuse(401);
    await page.getByRole('heading', { name: 'Sign in to Keystream' }).waitFor();
    await page.getByRole('alert').getByText('Your session has expired or your credential was refused. Sign in again.').waitFor();
    await context.close();
  }, 60_000);
  it('works from the keyboard: focus moves into dialogs and back, the row menu opens and closes with keys', async () => {
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, randomId('keyboard')));
    const focused = () => page.evaluate(() => {
      const active = (globalThis as any).document.activeElement;
      return `${active?.tagName} ${active?.getAttribute('aria-label') ?? active?.textContent ?? ''} ${active?.closest('dialog') ? 'in-dialog' : ''}`.trim();
    });
    const add = page.getByRole('button', { name: 'Add New API Key' });
    await add.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toMatch(/in-dialog$/);
    await page.keyboard.type('keyboard-key');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('BUTTON Add New API Key');

    await page.keyboard.press('Enter');
    await page.keyboard.type('keyboard-key');
    await page.keyboard.press('Enter');
    const close = page.getByRole('button', { name: /I have copied it, close/ });
    await close.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('button', { name: 'Actions for keyboard-key' });
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('BUTTON Edit');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('BUTTON Rotate');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('BUTTON Revoke');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('menu').count()).toBe(0);
    await expect.poll(focused).toBe('BUTTON Actions for keyboard-key');
    await context.close();
  }, 60_000);
});
