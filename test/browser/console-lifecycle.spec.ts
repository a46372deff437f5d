import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, ExpiryNoticeProcessor, decodeApiKeyEvent, expiryNoticeQueries } from '@keystream/api-keys';
import { AUDIT_STORE, type AuditStore } from '@keystream/audit';
import { AUDIT_RELAY_FILTER, toAuditMessages } from '@keystream/audit-bus';
import { SystemClock } from '@keystream/clock';
import { mintToken, randomId, waitUntil } from '../e2e/harness.js';
import { devSignIn, expectAccessible, openPage, pageHolds, screenshot, type ServedApp, serveApp, sharedChromium } from './support/browser.js';


/** Issue 13 in the console: the Rotate dialog, and a key's notices (expires soon, expired, reported leaked) and history for its owner. */
describe('console in Chromium: rotation, expiry notices and leak reports', () => {
  const chromium = sharedChromium();
  let app: ServedApp;
  const tenant = randomId('acme');
  const owner = randomId('user');
  let headers: Record<string, string>;

  beforeAll(async () => {
    app = await serveApp();
    headers = { authorization: `Bearer ${await mintToken(tenant, owner)}` };
  }, 120_000);
  afterAll(async () => {
    await chromium.close();
    await app?.destroy();
  });

  const withKey = (apiKey: string, uid: string) => fetch(`${app.url}/v1/apiKeys/${uid}`, { headers: { apiKey } }).then((r) => r.status);
  const create = (name: string, expiresInMs: number) =>
    app.createKey(headers, { metadata: { name, annotations: { description: name } }, spec: { expiry: new Date(Date.now() + expiresInMs).toISOString() } });
  const typesOf = async (uid: string) => (await app.eventStore().readStream(`apikey-${uid}`)).map((event) => event.type);
  /** What the relay and the audit consumer do in production, with Kafka in between: every key event so far, stored in the trail. */
  const feedAuditTrail = async () => {
    const { events } = await app.eventStore().readAll({ maxCount: 10_000, filter: AUDIT_RELAY_FILTER });
    await app.app.get<AuditStore>(AUDIT_STORE).append(toAuditMessages(events, decodeApiKeyEvent).map((message) => message.event));
  };
  const openKey = async (page: Page, name: string) => {
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
  };

  it('rotates a key with a grace: the new value is shown once, the old one still works, and the list shows it rotated', async () => {
    const key = await create('deploy-bot', 60 * DAY_MS);
    const { context, page, traffic, cspViolations } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, owner));
    await page.getByRole('button', { name: 'Actions for deploy-bot', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Rotate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate API key' });
    await dialog.getByLabel('Grace period for the current value').selectOption({ label: '1 hour' });
    await expectAccessible(page, 'Rotate dialog');
    await screenshot(page, 'rotate-dialog');
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    const reveal = page.getByRole('dialog', { name: 'API key “deploy-bot” rotated' });
    await expect.poll(() => reveal.isVisible()).toBe(true);
    const value = await reveal.getByLabel('API key value').inputValue();
    expect(value.startsWith(`ks_${key.uid}_`)).toBe(true);
    expect(value).not.toBe(key.apiKey);
    await reveal.getByRole('button', { name: /close/ }).click();
    await reveal.waitFor({ state: 'detached' });

    // Both values work during the grace; the one rotated away ends about an hour from now.
    expect(await withKey(value, key.uid)).toBe(200);
    expect(await withKey(key.apiKey, key.uid)).toBe(200);
    const [, rotated] = await app.eventStore().readStream(`apikey-${key.uid}`);
    expect(rotated!.type).toBe('KeyRotated');
    const graceEndsAt = Date.parse((rotated!.data as { graceEndsAt: string }).graceEndsAt);
    expect(graceEndsAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(graceEndsAt).toBeLessThanOrEqual(Date.now() + 3600_000);

    const row = page.getByRole('row', { name: /deploy-bot/ });
    await expect.poll(() => row.getByText(/^\s*rotated · previous value until /).isVisible()).toBe(true);
    await screenshot(page, 'rotated-row');
    // Shown once: gone from the page, the storages, the cookies and the URL, and sent nowhere after.
    expect(await pageHolds(page, value)).toEqual([]);
    expect(traffic.filter((line) => line.includes(value) && !line.startsWith('< 200'))).toEqual([]);

    // The key's page shows the rotation in its history once the trail has it.
    await feedAuditTrail();
    await openKey(page, 'deploy-bot');
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('row', { name: /rotated.*previous value works until/ }).waitFor();
    expect(await pageHolds(page, value)).toEqual([]);
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 120_000);

  it("shows its owner a key's notices: reported leaked, expired, expires soon, with the key's own audit trail", async () => {
    const leaked = await create('leaked-ci', 60 * DAY_MS);
    const soon = await create('soon-job', 2 * DAY_MS);
    const expiring = await create('short-lived', 2_000);
    const healthy = await create('healthy', 60 * DAY_MS);
    // A leak report: no credentials, the same answer whatever matched; the key is revoked with reason leaked.
    const report = await fetch(`${app.url}/v1/apiKeys/leaked`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credentials: [leaked.apiKey] }) });
    expect(report.status).toBe(202);
    await waitUntil(async () => (await typesOf(leaked.uid)).includes('KeyRevoked'), 10_000, 'the leaked key revoked');
    // The expiry notices, as the lease holder records them each minute.
    const processor = new ExpiryNoticeProcessor(app.eventStore(), expiryNoticeQueries(app.readModel().live), new SystemClock(), { info() {}, warn() {} });
    await waitUntil(
      async () => {
        await processor.pass();
        return (await typesOf(soon.uid)).includes('KeyExpiringSoon') && (await typesOf(expiring.uid)).includes('KeyExpired');
      },
      15_000,
      'the expiry notices recorded',
    );
    await feedAuditTrail();

    const { context, page, cspViolations } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, owner));
    const notices = page.getByRole('list', { name: 'Notices' });
    const history = page.getByRole('region', { name: 'History' });

    await openKey(page, 'leaked-ci');
    await notices.getByText('Reported leaked.').waitFor();
    await history.getByRole('row', { name: /leak-reported/ }).waitFor();
    await history.getByRole('row', { name: /revoked.*reason: reported leaked/ }).waitFor();
    await expect(page.getByText('Expires soon.').count()).resolves.toBe(0);
    await expectAccessible(page, 'key page: reported leaked');
    await screenshot(page, 'key-leaked');

    await page.goBack();
    await openKey(page, 'short-lived');
    await notices.getByText('Expired.').waitFor();
    await history.getByRole('row', { name: /expired/ }).waitFor();

    await page.goBack();
    await openKey(page, 'soon-job');
    await notices.getByText('Expires soon.').waitFor();
    await expect(notices.getByText(/in 2 days/).isVisible()).resolves.toBe(true);
    await history.getByRole('row', { name: /expiring-soon.*day notice/ }).waitFor();
    await screenshot(page, 'key-expires-soon');

    // A key with nothing to warn about has no notices, and its history is its own.
    await page.goBack();
    await openKey(page, 'healthy');
    await history.getByRole('row', { name: /created/ }).waitFor();
    await expect(page.getByRole('list', { name: 'Notices' }).count()).resolves.toBe(0);
    await expect(history.getByRole('row').count()).resolves.toBe(2);
    expect(cspViolations).toEqual([]);
    await context.close();

    // Another user of the tenant sees none of it: the key is not found, and the trail gives them nothing of the owner's.
    const other = await mintToken(tenant, randomId('other'));
    const { context: otherContext, page: otherPage } = await openPage(await chromium.get());
    await devSignIn(otherPage, app.url, other, `/console/keys/${leaked.uid}`);
    await otherPage.getByRole('heading', { name: 'API key not found' }).waitFor();
    await otherContext.close();
    const trail = (await fetch(`${app.url}/v1/audit/events?keyUid=${leaked.uid}`, { headers: { authorization: `Bearer ${other}` } }).then((r) => r.json())) as { items: unknown[] };
    expect(trail.items).toEqual([]);
    void healthy;
  }, 120_000);
});
