import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@keystream/api-keys';
import { mintToken, randomId } from '../e2e/harness.js';
import { devSignIn, openPage, type ServedApp, serveApp, sharedChromium } from './support/browser.js';

const isoDay = (daysAhead: number) => new Date(Date.now() + daysAhead * DAY_MS).toISOString().slice(0, 10);

/** The tenant's key policy in the console: shown to admins, and its lifetime bounds the Add dialog's dates. */
describe('console in Chromium: the tenant key policy', () => {
  const chromium = sharedChromium();
  let app: ServedApp;
  const tenant = randomId('acme');

  beforeAll(async () => {
    app = await serveApp();
    const admin = `Bearer ${await mintToken(tenant, 'alice', true)}`;
    const put = await fetch(`${app.url}/v1/tenants/${tenant}/apiKeyPolicy`, {
      method: 'PUT',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ maxKeyLifetimeDays: 20, maxKeysPerUser: 4, requireDescription: true }),
    });
    expect(put.status).toBe(204);
  }, 120_000);
  afterAll(async () => {
    await chromium.close();
    await app?.destroy();
  });

  it("an admin sees the tenant's policy, is offered only presets within its lifetime, and the custom date stops at it", async () => {
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, 'alice', true));
    await expect.poll(() => page.getByTestId('tenant-policy').textContent()).toBe(
      'Key policy (set for this tenant): keys expire within 20 days · at most 4 keys per user · description required.',
    );
    await page.getByRole('button', { name: 'Add New API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add New API Key' });
    const expiration = dialog.getByLabel('Expiration', { exact: true });
    expect(await expiration.locator('option').allTextContents()).toEqual(['7 days', 'Custom date']);
    await expiration.selectOption({ label: 'Custom date' });
    const custom = dialog.getByLabel('Expiration date (UTC, at most 20 days from now)');
    expect(await custom.getAttribute('max')).toBe(isoDay(20));
    // Without a description the API refuses, and the console says so beside the field.
    await dialog.getByLabel('Name').fill('no-description');
    await expiration.selectOption({ label: '7 days' });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText("is required by the tenant's API key policy").waitFor();
    await context.close();
  });

  it('a plain user sees no policy line (the API does not show it to them)', async () => {
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, 'bob'));
    await page.getByRole('button', { name: 'Add New API Key' }).waitFor();
    expect(await page.getByTestId('tenant-policy').count()).toBe(0);
    await context.close();
  });
});
