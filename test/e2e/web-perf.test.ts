// Speed of the production build in a real Chromium against the real server, with 10,000 open
// exceptions: the first view is interactive within 1.5 s of navigation, and the queue keeps
// ≥ 50 fps while 100 exceptions/s arrive. Figures are printed (`web-perf:`) and written to
// test-artifacts/web-perf.json.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../server/server.ts';
import { SEVERITIES } from '../../server/contracts/exception.ts';
import { EXCEPTION_TYPES } from '../../server/events/schema.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ARTIFACTS, createUser, exceptionRecord, startWebTower } from './webHarness.ts';

const ROWS = Number(process.env.PERF_ROWS ?? 10_000);
const ARRIVALS_PER_S = 100;
const MEASURE_MS = 5_000;

let server: RunningServer;
let browser: Browser;
let password: string;
const figures: Record<string, number> = {};

const varied = (i: number) =>
  exceptionRecord({ type: EXCEPTION_TYPES[i % EXCEPTION_TYPES.length], severity: SEVERITIES[i % SEVERITIES.length], priority: (i * 37) % 100, revenueAtRisk: (i % 50) * 100, title: `Load exception ${i}`, customerId: `C-${i % 300}`, warehouse: `W${i % 7}` });

beforeAll(async () => {
  server = await startWebTower();
  const commits: Promise<unknown>[] = [];
  for (let i = 0; i < ROWS; i++) commits.push(server.book.commit(varied(i)));
  await Promise.all(commits);
  password = (await createUser(server.url, 'pat.perf', ['operations'])).password;
  browser = await launchBrowser();
}, 180_000);

/** A fresh context (nothing cached), signed in through the API so the page load is the first. */
async function freshContext(): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'en-US' });
  const login = await c.request.post(`${server.url}/api/v1/auth/login`, { data: { username: 'pat.perf', password } });
  expect(login.status()).toBe(200);
  return c;
}
afterAll(async () => {
  writeFileSync(`${ARTIFACTS}/web-perf.json`, JSON.stringify({ at: new Date().toISOString(), rows: ROWS, arrivalsPerSecond: ARRIVALS_PER_S, ...figures }, null, 2) + '\n');
  await browser?.close();
  await server?.close();
});

describe('web speed (production build, 10,000 open exceptions)', () => {
  let page: Page;

  /** One cold load of the operations view; returns in-page times since navigation. */
  async function coldLoad(): Promise<{ renderedMs: number; interactiveMs: number; marks: Record<string, number> }> {
    const context = await freshContext();
    page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    // Measured inside the page, frame by frame, so no test-side polling delay is counted:
    // rendered = the queue shows rows and the full count; interactive = a key press on the
    // queue moved the selection and that frame was painted.
    await page.addInitScript((expected) => {
      const w = window as unknown as { __ct: { rendered?: number; interactive?: number } };
      w.__ct = {};
      const check = () => {
        const list = document.querySelector<HTMLElement>('[data-testid="queue"]');
        if (w.__ct.rendered === undefined) {
          if (list && document.querySelector('[data-testid="queue-row"]') && document.querySelector('[data-testid="queue-count"]')?.textContent === expected) {
            w.__ct.rendered = performance.now();
            list.focus();
            list.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
          }
        } else if (document.querySelector('[data-testid="queue-row"].active')) {
          requestAnimationFrame(() => (w.__ct.interactive = performance.now()));
          return;
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }, ROWS.toLocaleString('en-US'));
    await page.goto(`${server.url}/?range=1h`, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __ct: { interactive?: number } }).__ct?.interactive !== undefined, null, { timeout: 20_000 });
    const { rendered: renderedMs, interactive: interactiveMs } = await page.evaluate(() => (window as unknown as { __ct: { rendered: number; interactive: number } }).__ct);
    // The selection really moved to the first row.
    expect(await page.locator('[data-testid="queue-row"].active').count()).toBe(1);
    const marks = await page.evaluate(() => Object.fromEntries([...performance.getEntriesByType('mark'), ...performance.getEntriesByType('navigation')].map((e) => [e.name.startsWith('http') ? 'domContentLoaded' : e.name, Math.round(e.name.startsWith('http') ? (e as PerformanceNavigationTiming).domContentLoadedEventEnd : e.startTime)])));
    return { renderedMs, interactiveMs, marks };
  }

  it('makes the operations view interactive within 1.5 s of navigation', async () => {
    // The median of three cold loads: the machine is shared, one load can meet another's burst.
    const loads = [];
    for (let i = 0; i < 3; i++) {
      // Only the page: with the packaged Chromium (--single-process) closing a context ends the browser.
      if (page) await page.close();
      loads.push(await coldLoad());
    }
    console.log(`web-perf: first view loads ${JSON.stringify(loads.map((l) => [Math.round(l.renderedMs), Math.round(l.interactiveMs)]))} (rendered, interactive ms)`);
    const { renderedMs, interactiveMs, marks } = [...loads].sort((a, b) => a.interactiveMs - b.interactiveMs)[1];
    Object.assign(figures, Object.fromEntries(Object.entries(marks).map(([k, v]) => [`mark:${k}`, v])));
    figures.firstViewRenderedMs = Math.round(renderedMs);
    figures.firstViewInteractiveMs = Math.round(interactiveMs);
    console.log(`web-perf: first view marks ${JSON.stringify(marks)}`);
    console.log(`web-perf: first view rendered ${figures.firstViewRenderedMs} ms, interactive ${figures.firstViewInteractiveMs} ms after navigation, median of 3 cold loads (${ROWS} open exceptions)`);
    expect(interactiveMs).toBeLessThanOrEqual(1500);
  }, 120_000);

  it('keeps the queue at 50 fps or more while 100 exceptions/s arrive', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __longTaskMs: number };
      w.__frames = [];
      w.__longTaskMs = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.__longTaskMs += e.duration))).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(tick);
      });
    });
    // 10 exceptions every 100 ms for MEASURE_MS, each one committed through the book as
    // detection would, then sent to the page on the live feed.
    const started = Date.now();
    let sent = 0;
    const pending: Promise<unknown>[] = [];
    while (Date.now() - started < MEASURE_MS) {
      const due = Math.floor(((Date.now() - started) / 1000) * ARRIVALS_PER_S);
      for (; sent < due; sent++) pending.push(server.book.commit(varied(ROWS + sent)));
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - started;
    await Promise.all(pending);
    const frames = (await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.splice(0))).slice(2);
    figures.longTaskMs = Math.round(await page.evaluate(() => (window as unknown as { __longTaskMs: number }).__longTaskMs));
    // The arrivals did reach the page.
    await expect.poll(() => page.getByTestId('queue-count').textContent(), { timeout: 10_000 }).toBe((ROWS + sent).toLocaleString('en-US'));
    const sorted = [...frames].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)];
    const worst1 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    figures.arrivalsSent = sent;
    figures.arrivalRatePerS = Math.round((sent / elapsed) * 1000);
    figures.frames = frames.length;
    figures.fpsP50 = Math.round((1000 / p50) * 10) / 10;
    figures.fpsMean = Math.round((frames.length / (frames.reduce((a, b) => a + b, 0) / 1000)) * 10) / 10;
    figures.worst1PctFrameMs = Math.round(worst1 * 10) / 10;
    figures.maxFrameMs = Math.round(sorted[sorted.length - 1] * 10) / 10;
    console.log(`web-perf: queue fps p50 ${figures.fpsP50} (mean ${figures.fpsMean}), worst 1% frame ${figures.worst1PctFrameMs} ms (max ${figures.maxFrameMs} ms) over ${frames.length} frames (main thread in long tasks ${figures.longTaskMs} ms of ${elapsed} ms) while ${figures.arrivalRatePerS} exceptions/s arrived onto ${ROWS} rows`);
    expect(sent / (elapsed / 1000)).toBeGreaterThanOrEqual(ARRIVALS_PER_S * 0.9);
    // The target is the median frame rate. The mean and the main thread's long-task time are
    // printed beside it: a median alone hides stalls (before the queue fixes it read 60 with 78
    // frames in 5 s), and long tasks tell the page's own work from a starved machine.
    expect(figures.fpsP50).toBeGreaterThanOrEqual(50);
  }, 60_000);
});
