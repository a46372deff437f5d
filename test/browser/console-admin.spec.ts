import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@keystream/api-keys';
import { AUDIT_STORE, type AuditStore } from '@keystream/audit';
import { AUDIT_ACTIONS, AUDIT_RELAY_FILTER, toAuditMessages } from '@keystream/audit-bus';
import { decodeRelayedEvent, directoryUserStreamName, toDirectoryEventToAppend } from '@keystream/directory';
import { mintToken, randomId } from '../e2e/harness.js';
import { devSignIn, expectAccessible, sharedChromium, openPage, screenshot, type ServedApp, serveApp } from './support/browser.js';


/** A tenant admin in a real Chromium: keys on a user's behalf, every key of the tenant, the user filter, paging, audit. */
describe('console in Chromium: a tenant admin', () => {
  const chromium = sharedChromium();
  let app: ServedApp;
  const tenant = randomId('acme');
  const admin = 'alice';
  const bob = 'bob';

  beforeAll(async () => {
    app = await serveApp();
    // Eleven keys of carol's, so the tenant table has a second page.
    const carol = { authorization: `Bearer ${await mintToken(tenant, 'carol')}` };
    for (let i = 1; i <= 11; i++) {
      await app.createKey(carol, { metadata: { name: `carol-${String(i).padStart(2, '0')}`, annotations: { description: 'batch job' } }, spec: { expiry: new Date(Date.now() + i * DAY_MS).toISOString() } });
    }
  }, 120_000);
  afterAll(async () => {
    await chromium.close();
    await app?.destroy();
  });

  const goTo = async (page: Page, link: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: link, level: 1 }).waitFor();
  };

  for (const width of ['desktop', 'phone'] as const) {
    it(`creates a key for a user, sees and filters every key of the tenant, and reads the audit page (${width})`, async () => {
      const { context, page, cspViolations } = await openPage(await chromium.get(), width);
      await devSignIn(page, app.url, await mintToken(tenant, admin, true));
      const keyName = `bob-ci-${width}`;
      await page.getByRole('button', { name: 'Add New API Key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add New API Key' });
      await dialog.getByLabel('Name').fill(keyName);
      await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: '90 days' });
      await dialog.getByLabel('User (leave empty for yourself)').fill(bob);
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      const reveal = page.getByRole('dialog', { name: `API key “${keyName}” created` });
      const value = await reveal.getByLabel('API key value').inputValue();
      await reveal.getByRole('button', { name: /close/ }).click();
      // The key is bob's: it acts as bob.
      const info = (await fetch(`${app.url}/v1/users/info`, { headers: { apiKey: value } }).then((r) => r.json())) as { userUid: string };
      expect(info.userUid).toBe(bob);

      await goTo(page, 'Tenant API Keys');
      const table = page.getByRole('region', { name: 'Tenant API Keys table' });
      await table.getByRole('cell', { name: /\(bob\)/ }).first().waitFor();
      await expectAccessible(page, `Tenant API Keys (${width})`);
      await screenshot(page, `tenant-keys-${width}`);
      // Newest first, ten a page: the second page holds the oldest of carol's keys.
      await expect(table.getByRole('row').count()).resolves.toBe(11);
      await page.getByRole('button', { name: 'Next page' }).click();
      await table.getByRole('link', { name: 'carol-01' }).waitFor();
      await page.getByRole('button', { name: 'Previous page' }).click();
      await table.getByRole('link', { name: keyName }).waitFor();

      await page.getByLabel('User', { exact: true }).fill(bob);
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => table.getByRole('link', { name: /^carol-/ }).count()).toBe(0);
      await expect(table.getByRole('link', { name: keyName }).isVisible()).resolves.toBe(true);

      await goTo(page, 'Audit');
      await page.getByText('The audit trail is off on this instance.').waitFor();
      await expectAccessible(page, `Audit (${width})`);
      await screenshot(page, `audit-${width}`);

      await goTo(page, 'My API Keys');
      await expectAccessible(page, `My API Keys as admin (${width})`);
      await screenshot(page, `my-keys-admin-${width}`);
      expect(cspViolations).toEqual([]);
      await context.close();
    }, 120_000);
  }
  it('lists the audit trail with its filters once something feeds it', async () => {
    // What the relay and the audit consumer do in production (Kafka in between): every key event as a CloudEvent, stored in the trail.
    // And one directory event (what the SCIM endpoints record when the identity provider offboards dave).
    const dave = { tenantId: tenant, userId: 'scim-dave', userName: 'dave' };
    await app.eventStore().appendToStream(
      directoryUserStreamName(tenant, dave.userId),
      [toDirectoryEventToAppend({ type: 'DirectoryUserDeactivated', data: { ...dave, deactivatedAt: new Date().toISOString() } }, { eventId: crypto.randomUUID(), now: new Date(), correlationId: randomId('scim') })],
      'any',
    );
    const { events } = await app.eventStore().readAll({ maxCount: 10_000, filter: AUDIT_RELAY_FILTER });
    await app.app.get<AuditStore>(AUDIT_STORE).append(toAuditMessages(events, decodeRelayedEvent).map((message) => message.event));
    const { context, page } = await openPage(await chromium.get());
    await devSignIn(page, app.url, await mintToken(tenant, admin, true));
    await goTo(page, 'Audit');
    const table = page.getByRole('region', { name: 'Audit events table' });
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(11);
    await page.getByLabel('Done by (user id)').fill(admin);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    await expect(table.getByRole('cell', { name: 'bob', exact: true }).count()).resolves.toBe(2);
    // Every action the audit API filters on is offered, the directory's user-* ones included (admins only see this page).
    const offered = await page.getByLabel('Action').locator('option').allTextContents();
    expect(offered[0]).toBe('Any');
    expect(offered.slice(1).sort()).toEqual([...AUDIT_ACTIONS].sort());
    await page.getByLabel('Done by (user id)').fill('');
    await page.getByLabel('Action').selectOption('user-deactivated');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    // The subject of a directory event is the user, not a key path.
    await expect(table.getByRole('cell', { name: 'user dave (SCIM id scim-dave)', exact: true }).count()).resolves.toBe(1);
    await expectAccessible(page, 'Audit with events');
    await screenshot(page, 'audit-with-events');
    await context.close();
  }, 60_000);
});
