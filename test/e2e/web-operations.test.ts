// The operations view in a real Chromium against the real server: the live queue, drill-down
// from a chart, CSV export, URL state across a reload, and queue smoothness under load.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ADMIN_PASSWORD, ARTIFACTS, exceptionRecord, ingest, newPage, signIn, startWebTower } from './webHarness.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startWebTower();
  browser = await launchBrowser();
  page = await newPage(browser);
  await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const queueIds = () => page.locator('[data-testid="queue-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));

describe('operations view', () => {
  it('shows an exception raised by events posted to the ingest API in the queue within 2 seconds, highlighted', async () => {
    await page.goto(`${server.url}/?range=1h`);
    await page.getByTestId('state-empty').waitFor({ timeout: 10_000 });
    // An order whose ship-to has no tax jurisdiction: the missing_master_data detector raises it at once.
    const orderId = `O-E2E-${Date.now()}`;
    const order = { id: `evt-${orderId}`, ts: new Date().toISOString(), source: 'edi', type: 'order.created', orderId, customerId: 'C-77', attrs: { channel: 'edi', lines: [{ lineId: 'L1', sku: 'SKU-1', qty: 5, unitPrice: 40 }], shipTo: { city: 'Reno' }, customerTier: 'strategic' } };
    const posted = Date.now();
    await ingest(server.url, [order]);
    const row = page.locator('[data-testid="queue-row"]', { hasText: orderId });
    await row.waitFor({ timeout: 2000 });
    const latency = Date.now() - posted;
    console.info(`ingest → queue row: ${latency} ms`);
    expect(latency).toBeLessThan(2000);
    expect(await row.getAttribute('class')).toMatch(/\bfresh\b/);
  });

  it('drills from a chart bar into the matching filtered queue', async () => {
    for (let i = 0; i < 5; i++) await server.book.commit(exceptionRecord({ type: 'pricing_discrepancy', team: 'pricing', severity: 'medium', priority: 40 + i, title: `Price off contract ${i}` }));
    for (let i = 0; i < 3; i++) await server.book.commit(exceptionRecord({ type: 'shipment_delay', team: 'transportation', severity: 'low', priority: 20 + i }));
    await page.goto(`${server.url}/?range=15m`);
    await expect.poll(async () => (await queueIds()).length, { timeout: 5000 }).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: `${ARTIFACTS}/operations.png`, fullPage: true });
    // Every exception was detected in the last minute: the bars are in the last bucket. Click the bottom of it.
    const chart = page.getByTestId('chart-by-type');
    await page.waitForTimeout(600); // chart updates are throttled
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    // The bars sit in the last bucket, at the right end of the plot: click across it until one is hit.
    const y = box.y + box.height - 28 - 0.3 * (box.height - 28 - 36);
    for (let x = box.x + box.width - 14; x > box.x + box.width - 90 && !page.url().includes('type='); x -= 6) {
      await page.mouse.click(x, y);
      await page.waitForTimeout(50);
    }
    await page.waitForURL(/type=/, { timeout: 3000 });
    const type = new URL(page.url()).searchParams.get('type')!;
    expect(new URL(page.url()).searchParams.get('dfrom')).toBeTruthy();
    const expected = server.book.listActive().filter((r) => r.type === type).map((r) => r.id).sort();
    await expect.poll(async () => (await queueIds()).sort(), { timeout: 3000 }).toEqual(expected);
    expect(await page.getByTestId('queue-count').textContent()).toBe(String(expected.length));
  });

  it('exports the filtered queue as CSV with formula cells neutralised', async () => {
    const evil = exceptionRecord({ type: 'order_anomaly', team: 'customer_service', priority: 99, title: '=HYPERLINK("http://x","click")', customerId: '+C-9' });
    await server.book.commit(evil);
    await page.goto(`${server.url}/?range=1h&type=order_anomaly`);
    await page.locator(`[data-testid="queue-row"][data-id="${evil.id}"]`).waitFor({ timeout: 5000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-queue').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['id', 'priority', 'severity']);
    const ids = lines.slice(1).map((l) => l.split(',')[0]);
    expect(ids).toEqual(await queueIds());
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csv).toContain(`,'+C-9,`);
  });

  it('restores view, range, filters and the open exception after a reload', async () => {
    const target = server.book.listActive().find((r) => r.type === 'pricing_discrepancy')!;
    await page.goto(`${server.url}/?range=1h`);
    await page.getByTestId('filter-severity').selectOption('medium');
    await page.getByTestId('filter-q').fill('Price off');
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"]`).click();
    await page.getByTestId('exception-drawer').waitFor();
    const before = page.url();
    await page.reload();
    expect(page.url()).toBe(before);
    await page.getByTestId('exception-drawer').waitFor();
    expect(await page.getByTestId('filter-severity').inputValue()).toBe('medium');
    expect(await page.getByTestId('filter-q').inputValue()).toBe('Price off');
    expect(await page.getByTestId('time-range-select').inputValue()).toBe('1h');
    expect(new URL(page.url()).searchParams.get('exception')).toBe(target.id);
    expect((await queueIds()).every((id) => server.book.get(id!)?.severity === 'medium')).toBe(true);
  });

  it('navigates the queue with j/k and opens the detail with Enter', async () => {
    await page.goto(`${server.url}/?range=1h`);
    const ids = await (async () => {
      await page.locator('[data-testid="queue-row"]').first().waitFor();
      return queueIds();
    })();
    await page.getByTestId('queue').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.waitForURL(/exception=/);
    expect(new URL(page.url()).searchParams.get('exception')).toBe(ids[0]);
  });
});
