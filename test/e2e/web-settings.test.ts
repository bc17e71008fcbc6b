// Detector settings in a real Chromium: an admin edits a threshold (errors shown next to the
// field, first the browser's own check, then the server's schema), the save becomes a new
// revision in the history, GET /detectors/config answers it and detection judges the next
// event with it; a user without the admin role sees the values without edit controls, and
// the API refuses the write (403).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { loginToken } from '../helpers/testServer.ts';
import { ARTIFACTS, adminToken, ADMIN_PASSWORD, createUser, ingest, newPage, signIn, startWebTower } from './webHarness.ts';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startWebTower();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** An order line priced 1 % off its contract: within the default 2 % tolerance. */
const pricedOnePercentOff = (orderId: string) => ({ id: `p-${orderId}`, ts: new Date().toISOString(), source: 'erp', type: 'order.priced', orderId, lineId: `${orderId}-1`, sku: 'SKU-1', attrs: { unitPrice: 101, contractPrice: 100 } });
const pricingException = (orderId: string) => server.book.listActive().find((x) => x.type === 'pricing_discrepancy' && x.orderIds.includes(orderId));

async function getConfig(token: string) {
  const res = await fetch(`${server.url}/api/v1/detectors/config`, { headers: { authorization: `Bearer ${token}` } });
  return res.json();
}

describe('detector settings', () => {
  let page: Page;

  it('lets an admin change a threshold that detection then uses, with errors next to the field and a new revision in the history', async () => {
    await ingest(server.url, [pricedOnePercentOff('O-before')]);
    await expect.poll(() => server.detection.stats.events, { timeout: 5000 }).toBe(1);
    expect(pricingException('O-before')).toBeUndefined();

    page = await newPage(browser);
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/?view=settings`);
    const field = page.getByLabel('pricing_discrepancy.contractTolerance', { exact: true });
    await field.waitFor({ timeout: 10_000 });
    expect(await field.inputValue()).toBe('0.02');
    expect(await page.getByTestId('config-history').count()).toBe(0);

    // Not a number: refused in the browser, next to the field.
    await field.fill('two percent');
    await page.getByTestId('config-save').click();
    const error = page.locator('[data-testid="field-error"][data-path="pricing_discrepancy.contractTolerance"]');
    await expect.poll(() => error.textContent()).toBe('must be a number');
    // A number the schema refuses: the server's message, next to the same field.
    await field.fill('-1');
    await page.getByTestId('config-save').click();
    await expect.poll(() => error.textContent()).toMatch(/>=\s*0/);
    expect((await getConfig(await adminToken(server.url))).revision).toBe(0);

    await field.fill('0.005');
    await page.getByLabel('Reason for the change').fill('contract prices must match within half a percent');
    await page.getByTestId('config-save').click();
    await expect.poll(() => page.getByTestId('config-message').textContent(), { timeout: 5000 }).toMatch(/Saved as revision 1/);
    const version = page.locator('[data-testid="config-version"][data-revision="1"]');
    await version.waitFor({ timeout: 5000 });
    expect(await version.textContent()).toContain('pricing_discrepancy.contractTolerance');
    expect(await version.textContent()).toContain('admin');
    expect(await page.getByTestId('config-version-label').textContent()).toContain('revision 1');
    expect(await error.count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/settings-admin.png`, fullPage: true });

    const served = await getConfig(await adminToken(server.url));
    expect(served).toMatchObject({ revision: 1, config: { pricing_discrepancy: { contractTolerance: 0.005 } } });

    // The same 1 % is now off contract: the running engine raises it.
    await ingest(server.url, [pricedOnePercentOff('O-after')]);
    await expect.poll(() => pricingException('O-after'), { timeout: 5000 }).toBeDefined();
    expect(pricingException('O-after')!.thresholds).toMatchObject({ contractTolerance: 0.005 });
    expect(pricingException('O-before')).toBeUndefined();
  });

  it('shows a non-admin the values and policies without edit controls, and the API refuses their write', async () => {
    const olga = await createUser(server.url, 'olga.ops', ['operations']);
    const other = await newPage(browser);
    await signIn(other, server.url, 'olga.ops', olga.password);
    await other.goto(`${server.url}/?view=settings`);
    const view = other.getByTestId('view-settings');
    const pricing = view.locator('.card', { has: other.locator('h3', { hasText: /^pricing discrepancy$/ }) });
    await pricing.waitFor({ timeout: 10_000 });
    expect(await pricing.locator('tr', { hasText: 'contractTolerance' }).locator('.num').textContent()).toBe('0.005');
    expect(await view.locator('input, select, button').count()).toBe(0);
    expect(await other.getByTestId('config-save').count()).toBe(0);
    await other.locator('[data-testid="config-version"][data-revision="1"]').waitFor({ timeout: 5000 });
    // Policies: a credit release waits for finance.
    const release = other.getByTestId('action-policies').locator('tr[data-action="release_hold"]');
    expect(await release.textContent()).toContain('approval by finance');
    await other.screenshot({ path: `${ARTIFACTS}/settings-read-only.png`, fullPage: true });

    const token = await loginToken(server.url, 'olga.ops', olga.password);
    const res = await fetch(`${server.url}/api/v1/detectors/config`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ baseRevision: 1, config: { pricing_discrepancy: { contractTolerance: 0.5 } } }) });
    expect(res.status).toBe(403);
    expect((await getConfig(token)).config.pricing_discrepancy.contractTolerance).toBe(0.005);
  });
});
