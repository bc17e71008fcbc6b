import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { sampleEvent } from '../fixtures/events.ts';
import { ADMIN_PASSWORD, ingest, signIn, startWebTower } from './webHarness.ts';

const ARTIFACTS = 'test-artifacts';
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startWebTower();
  browser = await launchBrowser();
  page = await browser.newPage();
  mkdirSync(ARTIFACTS, { recursive: true });
  // The live feed is for signed-in users only: the socket is authenticated by the session cookie.
  await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('live dashboard in Chromium', () => {
  it('shows an event posted to the API within 2 seconds', async () => {
    await page.goto(server.url);
    await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('total-events').textContent()).toBe('0');

    const posted = Date.now();
    await ingest(server.url, [sampleEvent('order.created'), sampleEvent('order.created'), sampleEvent('pick.short')]);
    await page.locator('[data-testid="counts-by-type"] td[data-type="order.created"]', { hasText: '2' }).waitFor({ timeout: 2000 });
    expect(Date.now() - posted).toBeLessThan(2000);
    expect(await page.getByTestId('total-events').textContent()).toBe('3');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });
  });

  it('shows reconnecting when the server goes away, and a fresh snapshot when it is back', async () => {
    const port = server.port;
    await server.close();
    await page.locator('[data-testid="connection"][data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    server = await startWebTower({ port });
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('total-events').textContent(), { timeout: 3000 }).toBe('3');
  });
});
