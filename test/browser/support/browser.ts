import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type E2eApp, type ReadModelKind, startApp } from '../../e2e/harness.js';

/**
 * Browser-test support: Debian's Chromium driven by playwright-core (no browser download), the real
 * app from apps/api listening on 127.0.0.1 and serving the built console.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../../', import.meta.url));
export const SCREENSHOTS = `${root}test/browser/screenshots`;
export const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** Fails (never skips) with what to install when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH). The browser tests never skip.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * One Chromium per test file, launched by the first test that asks for it. A launch failure fails
 * every test that needs the browser (rather than failing a hook, which Vitest reports as skips).
 */
export function sharedChromium(): { get: () => Promise<Browser>; close: () => Promise<void> } {
  let launched: Promise<Browser> | undefined;
  return {
    get: () => (launched ??= launchChromium()),
    close: async () => {
      await (await launched?.catch(() => undefined))?.close();
    },
  };
}

/** The console as `npm run build` makes it (test/setup/console.global-setup.ts builds it when missing or stale). */
export function ensureConsoleBuilt(): void {
  if (!existsSync(`${root}dist/console/index.html`)) throw new Error('dist/console is missing: run `npm run build` (the core project\'s globalSetup builds it).');
}

export interface ServedApp extends E2eApp {
  /** http://127.0.0.1:<port> */
  readonly url: string;
}

/** The e2e harness's app, listening for real so a browser can load the console. */
export async function serveApp(kind: ReadModelKind = 'sqlite', env: Record<string, string> = {}, port = 0): Promise<ServedApp> {
  ensureConsoleBuilt();
  const app = await startApp(kind, env);
  await app.app.listen({ port, host: '127.0.0.1' });
  const address = app.app.getHttpServer().address() as AddressInfo;
  return Object.assign(app, { url: `http://127.0.0.1:${address.port}` });
}

/** A fresh context (no storage shared between tests) at a given width, recording the page's network traffic. */
export async function openPage(browser: Browser, width: keyof typeof WIDTHS = 'desktop'): Promise<{ context: BrowserContext; page: Page; traffic: string[]; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: WIDTHS[width] });
  const page = await context.newPage();
  const traffic: string[] = [];
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('request', (request) => traffic.push(`> ${request.method()} ${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`));
  page.on('response', async (response) => {
    const body = await response.text().catch(() => '');
    traffic.push(`< ${response.status()} ${response.url()} ${JSON.stringify(response.headers())} ${body}`);
  });
  return { context, page, traffic, cspViolations };
}

/** axe-core on the current page: no serious or critical violation. Injected through the driver, so the page's CSP stays as it is. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const run = await ((globalThis as any).axe as typeof axe).run((globalThis as any).document, { resultTypes: ['violations'] });
    return run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false });
}

/**
 * The development sign-in with a pasted token or key, at a console address (default its home). The
 * session lives in the tab's memory, so opening an address by hand means signing in there.
 */
export async function devSignIn(page: Page, url: string, credential: string, path = '/console/'): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.getByLabel('Token or API key').fill(credential);
  await page.getByRole('button', { name: 'Sign in (development)' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Every place a page could keep a value: the DOM, both storages, cookies and the URL. */
export async function pageHolds(page: Page, value: string): Promise<string[]> {
  const where = await page.evaluate((secret) => {
    // Runs in the page; the test program's types have no DOM, hence the loose global.
    const w = globalThis as any;
    const found: string[] = [];
    if (w.document.documentElement.outerHTML.includes(secret)) found.push('DOM');
    for (const input of w.document.querySelectorAll('input, textarea')) if (input.value.includes(secret)) found.push('an input');
    if (JSON.stringify({ ...w.localStorage }).includes(secret)) found.push('localStorage');
    if (JSON.stringify({ ...w.sessionStorage }).includes(secret)) found.push('sessionStorage');
    if (w.document.cookie.includes(secret)) found.push('cookies');
    if (w.location.href.includes(secret)) found.push('URL');
    return found;
  }, value);
  return where;
}

