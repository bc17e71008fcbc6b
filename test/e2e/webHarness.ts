// Shared set-up of the web tests: a real tower (embedded engine, auth configured), a real
// headless Chromium, and small helpers to ingest, create users and sign in through the UI.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import type { ExceptionRecord } from '../../server/contracts/exception.ts';
import { loginToken, startTestServer } from '../helpers/testServer.ts';

export const ARTIFACTS = 'test-artifacts';
export const ADMIN_PASSWORD = 'admin-password-for-web-tests';
export const INGEST_KEY = 'ingest-key-for-web-tests-0123456789';

export function startWebTower(overrides: Record<string, unknown> = {}): Promise<RunningServer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return startTestServer({ adminPassword: ADMIN_PASSWORD, ingestKeys: INGEST_KEY, ...overrides });
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Ingests events with the producer key; fails the test when the server refuses them. */
export async function ingest(base: string, events: unknown[]) {
  const r = await call(base, 'POST', '/events', events, INGEST_KEY);
  if (r.status !== 202 || r.json.rejected?.length) throw new Error(`ingest answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

export const adminToken = (base: string) => loginToken(base, 'admin', ADMIN_PASSWORD);

/** Creates a user (as admin) and returns its id (the actor recorded in the audit) and password. */
export async function createUser(base: string, username: string, roles: string[]): Promise<{ id: string; password: string }> {
  const password = `${username}-password-123`;
  const r = await call(base, 'POST', '/users', { username, password, roles }, await adminToken(base));
  if (r.status !== 201) throw new Error(`create user ${username}: ${r.status} ${JSON.stringify(r.json)}`);
  return { id: r.json.id, password };
}

/** Signs in through the login view, as a person would. */
export async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/?view=login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user').filter({ hasText: username }).waitFor({ timeout: 5000 });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  return page;
}

let seq = 0;
/** A new exception (version 1) as detection would commit it; `over` sets any field. */
export function exceptionRecord(over: Partial<ExceptionRecord> = {}): ExceptionRecord {
  const n = ++seq;
  const now = new Date().toISOString();
  return {
    id: `EX-web-${process.pid}-${n}`,
    version: 1,
    type: 'backorder',
    status: 'open',
    severity: 'high',
    priority: 50,
    team: 'warehouse',
    correlationKey: `order:O-web-${n}`,
    title: `Backorder on order O-web-${n}`,
    detectedAt: now,
    updatedAt: now,
    orderIds: [`O-web-${n}`],
    customerId: 'C-1',
    customerTier: 'A',
    sku: 'SKU-1',
    warehouse: 'W1',
    revenueAtRisk: 1000,
    currency: 'USD',
    evidence: [],
    detector: { name: 'backorder', version: '1' },
    thresholds: {},
    confidence: 0.9,
    actor: 'backorder',
    change: 'detected',
    details: {},
    ...over,
  };
}
