// Separation of duties through the UI in a real Chromium: an operations user asks to release a
// credit hold raised by real events, cannot decide it, a finance user approves it from the
// inbox, the command reaches a real (local) ERP endpoint and the audit trail names both people
// (by username, through the server-side join with users).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ARTIFACTS, createUser, ingest, newPage, signIn, startWebTower } from './webHarness.ts';

type ErpCall = { body: { kind?: string; orderIds?: string[] } & Record<string, unknown>; idempotencyKey: string | undefined };

let erp: Server;
const erpCalls: ErpCall[] = [];
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // A stand-in ERP would be a mock; this is a real HTTP endpoint that records what it receives
  // and answers like an ERP that applied the command.
  erp = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      erpCalls.push({ body: JSON.parse(raw), idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ applied: true }));
    });
  });
  await new Promise<void>((r) => erp.listen(0, '127.0.0.1', r));
  server = await startWebTower({ connectorErpUrl: `http://127.0.0.1:${(erp.address() as AddressInfo).port}/erp/actions` });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => erp?.close(r));
});

describe('credit release approval', () => {
  it('is requested by an operations user, approved only by another user with the finance role, and audited with both', async () => {
    const ops = await createUser(server.url, 'olivia.ops', ['operations']);
    const fin = await createUser(server.url, 'frank.finance', ['finance']);

    // A credit hold raised by detection from events posted to the ingest API.
    const orderId = `O-CR-${Date.now()}`;
    const customerId = 'C-CREDIT-1';
    const ts = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    await ingest(server.url, [
      { id: `e1-${orderId}`, ts: ts(0), source: 'erp', type: 'order.created', orderId, customerId, amount: 12_000, currency: 'USD', attrs: { channel: 'edi', lines: [{ lineId: 'L1', sku: 'SKU-9', qty: 100, unitPrice: 120 }], shipTo: { city: 'Columbus', taxJurisdiction: 'OH-049' }, customerTier: 'A' } },
      { id: `e2-${orderId}`, ts: ts(1), source: 'erp', type: 'order.credit_checked', orderId, customerId, attrs: { result: 'hold', exposure: 62_000, creditLimit: 50_000 } },
      { id: `e3-${orderId}`, ts: ts(2), source: 'erp', type: 'order.held', orderId, customerId, attrs: { holdCode: 'credit' } },
    ]);
    await expect.poll(() => server.book.byCorrelationKey(`credit:${customerId}`)?.status, { timeout: 10_000 }).toBe('open');
    const x = server.book.byCorrelationKey(`credit:${customerId}`)!;
    expect(x.type).toBe('credit_hold');
    expect(x.orderIds).toContain(orderId);

    // The operations user requests the release from the drawer…
    const opsPage = await newPage(browser);
    await signIn(opsPage, server.url, 'olivia.ops', ops.password);
    await opsPage.goto(`${server.url}/?exception=${encodeURIComponent(x.id)}`);
    await opsPage.getByTestId('exception-drawer').getByTestId('drawer-title').waitFor({ timeout: 10_000 });
    await opsPage.getByLabel('Comment').fill('customer paid by wire this morning');
    await opsPage.getByTestId('action-release_hold').click();
    await opsPage.getByTestId('drawer-approvals').getByTestId('approval-status').filter({ hasText: 'pending' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => opsPage.getByTestId('drawer-status').getAttribute('data-status'), { timeout: 5000 }).toBe('pending_approval');
    // …and cannot decide it: no approve button, a note that someone else must, nothing in their inbox,
    // and the API refuses them too.
    await opsPage.getByTestId('sod-note').waitFor();
    expect(await opsPage.getByTestId('approve').count()).toBe(0);
    await opsPage.screenshot({ path: `${ARTIFACTS}/drawer-approval-requested.png` });
    const pendingId = server.book.get(x.id)!.status === 'pending_approval' ? await pendingApprovalId(opsPage, x.id) : undefined;
    expect(pendingId).toBeTruthy();
    const refused = await opsPage.evaluate(async (id) => (await fetch(`/api/v1/approvals/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: '{"comment":"self"}' })).status, pendingId!);
    expect(refused).toBe(403);
    await opsPage.goto(`${server.url}/?view=approvals`);
    await opsPage.getByText('Nothing waits for your decision').waitFor({ timeout: 10_000 });
    expect(erpCalls).toHaveLength(0);

    // The finance user approves it from the approvals inbox.
    const finPage = await newPage(browser);
    await signIn(finPage, server.url, 'frank.finance', fin.password);
    await finPage.goto(`${server.url}/?view=approvals`);
    const row = finPage.locator(`[data-testid="approval-row"][data-exception="${x.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('olivia.ops');
    await finPage.screenshot({ path: `${ARTIFACTS}/approvals.png` });
    await row.click();
    const drawer = finPage.getByTestId('exception-drawer');
    await drawer.getByTestId('approve').click();
    await drawer.getByTestId('approval-status').filter({ hasText: 'approved by frank.finance' }).waitFor({ timeout: 10_000 });

    // The release reached the ERP once, for the held order, and resolved the exception.
    await expect.poll(() => erpCalls.length, { timeout: 15_000 }).toBe(1);
    expect(erpCalls[0].body.kind ?? erpCalls[0].body.command).toBe('release_hold');
    expect(JSON.stringify(erpCalls[0].body)).toContain(orderId);
    expect(erpCalls[0].idempotencyKey).toBeTruthy();
    await expect.poll(() => server.book.get(x.id)?.status, { timeout: 15_000 }).toBe('resolved');

    // The drawer's audit trail shows the request by one and the approval by the other.
    await finPage.reload();
    const audit = drawer.getByTestId('audit-trail');
    await expect.poll(async () => (await audit.locator('tr[data-kind="connector.succeeded"]').count()), { timeout: 10_000 }).toBe(1);
    const requested = audit.locator('tr[data-kind="approval.requested"]');
    const approved = audit.locator('tr[data-kind="approval.approved"]');
    expect(await requested.count()).toBe(1);
    expect(await approved.count()).toBe(1);
    // People by name (the id stays in the tooltip).
    expect(await requested.locator('.actor').textContent()).toBe('olivia.ops');
    expect(await requested.locator('.actor').getAttribute('title')).toBe(ops.id);
    expect(await approved.locator('.actor').textContent()).toBe('frank.finance');
    expect(await approved.locator('.actor').getAttribute('title')).toBe(fin.id);
    expect(ops.id).not.toBe(fin.id);
    await drawer.getByTestId('audit-trail').scrollIntoViewIfNeeded();
    await finPage.screenshot({ path: `${ARTIFACTS}/drawer-audit.png` });
  });
});

/** The pending approval's id as the signed-in user's browser sees it. */
async function pendingApprovalId(page: import('playwright-core').Page, exceptionId: string): Promise<string | undefined> {
  return page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/approvals?status=pending&all=1&exceptionId=${encodeURIComponent(id)}`);
    const j = (await r.json()) as { items: { id: string }[] };
    return j.items[0]?.id;
  }, exceptionId);
}
