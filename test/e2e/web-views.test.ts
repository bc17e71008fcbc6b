// Every view with data in a real Chromium: operations (KPI tiles filled for a signed-in
// reader, a clear sign-in state otherwise), integrations from posted interface traffic,
// executive from the KPI fixture, approvals, settings, login and the exception drawer.
// Each is saved to test-artifacts/ so a person can look at it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { loadKpiFixture } from '../fixtures/kpi/loadFixture.ts';
import { ARTIFACTS, createUser, exceptionRecord, ingest, newPage, signIn, startWebTower } from './webHarness.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let viewer: { id: string; password: string };

beforeAll(async () => {
  server = await startWebTower();
  browser = await launchBrowser();
  await loadKpiFixture(server.store.client);
  viewer = await createUser(server.url, 'vera.viewer', ['viewer', 'executive', 'it']);
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('views with data', () => {
  it('asks an anonymous visitor to sign in for KPIs instead of loading forever, and shows the login view', async () => {
    await page.goto(`${server.url}/?range=24h`);
    await page.getByText('Sign in to see KPIs for this range').waitFor({ timeout: 10_000 });
    await page.goto(`${server.url}/?view=login`);
    await page.getByTestId('view-login').waitFor();
    await shot('login');
  });

  it('fills the operations KPI tiles for a signed-in reader', async () => {
    for (let i = 0; i < 6; i++) await server.book.commit(exceptionRecord({ severity: i < 2 ? 'critical' : 'medium', priority: 60 + i, revenueAtRisk: 1000 * (i + 1) }));
    await signIn(page, server.url, 'vera.viewer', viewer.password);
    await page.goto(`${server.url}/?range=24h`);
    await expect.poll(() => page.getByTestId('queue-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    // The tiles leave the loading state and show numbers from /kpis.
    const asked = Date.now();
    await page.locator('.kpi-state').waitFor({ state: 'detached', timeout: 15_000 });
    console.log(`web-views: KPI tiles filled ${Date.now() - asked} ms after the queue showed`);
    expect(await page.getByTestId('kpi-open-total').textContent()).toMatch(/\d/);
    expect(await page.getByTestId('kpi-revenue').textContent()).toMatch(/\$\s?\d/);
    expect(await page.getByText(/Loading KPIs/).count()).toBe(0);
    await shot('operations-signed-in');
  });

  it('shows interface health from posted integration and carrier traffic', async () => {
    const now = Date.now();
    const events = [];
    for (let i = 0; i < 40; i++) {
      const ts = new Date(now - 20 * 60_000 + i * 30_000).toISOString();
      const intOk = i % 10 !== 3;
      const carOk = i % 8 !== 0;
      events.push({ id: `int-${now}-${i}`, ts, source: 'middleware', type: 'integration.message', interface: i % 2 ? 'erp_order_api' : 'edi_850_inbound', attrs: { direction: 'in', ok: intOk, latencyMs: 40 + (i % 7) * 30, messageId: `M-${now}-${i}`, ...(intOk ? {} : { errorCode: 'SCHEMA_INVALID' }) } });
      events.push({ id: `car-${now}-${i}`, ts, source: 'carrier', type: 'carrier.api_call', carrier: i % 3 ? 'UPS' : 'FEDEX', attrs: { operation: 'label', ok: carOk, latencyMs: 150 + (i % 5) * 100, ...(carOk ? {} : { errorCode: i % 16 ? 'HTTP_503' : 'HTTP_429' }) } });
    }
    await ingest(server.url, events);
    await page.goto(`${server.url}/?view=integrations&range=1h`);
    const matrix = page.getByTestId('health-matrix');
    await expect.poll(async () => (await matrix.count()) && (await matrix.locator('tbody tr').count()), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const text = await matrix.textContent();
    expect(text).toContain('erp_order_api');
    expect(text).toContain('edi_850_inbound');
    // Top error codes per interface and carrier, most frequent first: i = 3, 13, 23, 33 failed on
    // erp_order_api (odd i); UPS failed at i = 8, 16, 32 (503, 429, 429), FEDEX at 0, 24 (429, 503).
    const codesOf = async (name: string) => (await matrix.locator('tr', { hasText: name }).getByTestId('error-codes').locator('.code').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(await codesOf('erp_order_api')).toEqual(['SCHEMA_INVALID ×4']);
    expect(await codesOf('edi_850_inbound')).toEqual([]);
    expect(await codesOf('carrier:UPS')).toEqual(['HTTP_429 ×2', 'HTTP_503 ×1']);
    // The failure-rate and latency charts draw from the series API.
    await page.locator('[data-testid="view-integrations"] canvas').nth(1).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('view-integrations').getByText('Loading…').count(), { timeout: 15_000 }).toBe(0);
    await shot('integrations');
  });

  it('shows every executive KPI for the fixture day against the day before', async () => {
    await page.goto(`${server.url}/?view=executive&range=custom&from=2026-03-02T00:00:00.000Z&to=2026-03-03T00:00:00.000Z`);
    const table = page.getByTestId('exec-kpis');
    await table.waitFor({ timeout: 15_000 });
    const fill = table.locator('tr', { hasText: 'Order fill rate' });
    expect(await fill.textContent()).toMatch(/\d+(\.\d+)?\s?%/);
    await shot('executive');
  });

  it('shows the detector settings and an exception drawer', async () => {
    await page.goto(`${server.url}/?view=settings`);
    const credit = page.getByTestId('view-settings').locator('.card', { has: page.locator('h3', { hasText: /^credit hold$/ }) });
    await credit.waitFor({ timeout: 10_000 });
    expect(await credit.locator('tr', { hasText: 'overdueDaysThreshold' }).locator('.num').textContent()).toBe('30');
    await shot('settings');
    const x = server.book.listActive()[0];
    await page.goto(`${server.url}/?range=24h&exception=${encodeURIComponent(x.id)}`);
    await page.getByTestId('drawer-title').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('drawer-title').textContent()).toBe(x.title);
    await page.screenshot({ path: `${ARTIFACTS}/drawer.png` });
  });
});
