import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../server/cli/simulate.ts';
import { validateEvent, type CtEvent } from '../../server/events/schema.ts';
import { startDemo } from '../../server/sim/demo.ts';
import { simErpRouter } from '../../server/sim/router.ts';
import { createSimulator } from '../../server/sim/simulator.ts';

const START = '2025-03-03T00:00:00.000Z';
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'ct-sim-'));
const smallConfig = join(dir, 'small.yaml');
writeFileSync(smallConfig, 'skus: 200\ncustomers: 150\n');
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const runCli = (...args: string[]) => simulateCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(['node', 'simulate', ...args], { from: 'node' });
const expectedEvents = (days: number) => createSimulator({ seed: 5, startTs: Date.parse(START), linesPerDay: 20_000, skus: 200, customers: 150 }).advanceTo(Date.parse(START) + days * DAY);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('simulate command', () => {
  it('delivers every event exactly once to a server that throttles, fails and refuses at first', async () => {
    const port = await freePort();
    const stored = new Map<string, CtEvent>();
    let requests = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests++;
        if (req.url !== '/api/v1/events' || req.headers['content-type'] !== 'application/x-ndjson') return void res.writeHead(415).end();
        if (requests === 1) return void res.writeHead(429, { 'retry-after': '0' }).end();
        if (requests === 2) return void res.writeHead(503, { 'retry-after': '0' }).end();
        if (requests === 3) return void req.socket.destroy();
        let accepted = 0;
        let duplicates = 0;
        for (const line of body.split('\n').filter(Boolean)) {
          const r = validateEvent(JSON.parse(line));
          if (!r.ok) throw new Error(r.error);
          if (stored.has(r.event.id)) duplicates++;
          else (stored.set(r.event.id, r.event), accepted++);
        }
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted, duplicates, rejected: [] }));
      });
    });
    servers.push(server);
    const run = runCli('--target', `http://127.0.0.1:${port}`, '--seed', '5', '--start', START, '--days', '0.03', '--rate', 'max', '--lines-per-day', '20000', '--config', smallConfig);
    // Nothing listens yet: the first attempts are refused and retried.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await run;
    const expected = expectedEvents(0.03);
    expect(requests).toBeGreaterThan(3);
    expect(stored.size).toBe(expected.length);
    expect([...stored.keys()]).toEqual(expected.map((e) => e.id));
  });

  it('writes NDJSON that parses back to the very same events', async () => {
    const out = join(dir, 'day.ndjson');
    const manifest = join(dir, 'faults.json');
    await runCli('--out', out, '--seed', '5', '--start', START, '--days', '0.05', '--lines-per-day', '20000', '--config', smallConfig, '--manifest', manifest);
    const parsed = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as CtEvent);
    expect(parsed).toEqual(expectedEvents(0.05));
    expect(parsed.every((e) => validateEvent(e).ok)).toBe(true);
    expect(Array.isArray(JSON.parse(readFileSync(manifest, 'utf8')))).toBe(true);
  });

  it('names a bad flag value', async () => {
    await expect(runCli('--out', join(dir, 'x'), '--lines-per-day', '5')).rejects.toThrow(/lines-per-day must be an integer from 100/);
    await expect(runCli('--out', join(dir, 'x'), '--frobnicate')).rejects.toThrow(/unknown option '--frobnicate'/);
  });
});

describe('simulated ERP endpoint', () => {
  it('answers an action over HTTP, submits the follow-up events, and repeats itself on a resend', async () => {
    const sim = createSimulator({ seed: 2, startTs: Date.parse(START) + 9 * 3_600_000, linesPerDay: 20_000, skus: 200, faultRates: { creditHold: 0.1 } });
    const events = sim.advanceTo(sim.now + 3_600_000);
    const held = events.find((e) => e.type === 'order.held')!;
    const submitted: CtEvent[] = [];
    const app = express().use(simErpRouter(sim, async (batch) => void submitted.push(...batch)));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sim/erp/actions`;
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cmd = { idempotencyKey: 'act-1', kind: 'release_hold', exceptionId: 'exc-9', orderId: held.orderId };
    const first = await post(cmd);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { ids: string[]; types: string[] };
    expect(body.types[0]).toBe('order.released');
    expect(submitted.map((e) => e.id)).toEqual(body.ids);
    const again = (await (await post(cmd)).json()) as { ids: string[] };
    expect(again.ids).toEqual(body.ids);
    const bad = await post({ idempotencyKey: 'x', kind: 'teleport', exceptionId: 'e' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/kind/);
    expect((await post({ ...cmd, idempotencyKey: 'act-2', orderId: 'SO-0' })).status).toBe(404);
  });
});

describe('demo mode', () => {
  it('backfills history through a pipeline that pushes back, then runs live at its speed', async () => {
    const wallStart = Date.parse('2025-03-10T12:00:00Z');
    let wall = wallStart;
    const seen = new Set<string>();
    let duplicates = 0;
    let calls = 0;
    let maxTs = 0;
    const demo = startDemo({
      seed: 4,
      backfillDays: 0.25,
      speed: 60,
      sim: { linesPerDay: 10_000, skus: 200, customers: 100 },
      clock: () => wall,
      sleep: async (ms) => {
        wall += ms;
        await new Promise((resolve) => setImmediate(resolve));
      },
      submit: async (events) => {
        if (++calls <= 2) throw Object.assign(new Error('saturated'), { status: calls === 1 ? 429 : 503 });
        for (const e of events) {
          if (seen.has(e.id)) duplicates++;
          seen.add(e.id);
          maxTs = Math.max(maxTs, Date.parse(e.ts));
        }
        return { accepted: events.length, duplicates: 0 };
      },
    });
    while (maxTs < wallStart + 30 * 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
    await demo.stop();
    expect(duplicates).toBe(0);
    expect(calls).toBeGreaterThan(3);
    const expected = createSimulator({ seed: 4, startTs: wallStart - 0.25 * DAY, linesPerDay: 10_000, skus: 200, customers: 100 }).advanceTo(maxTs);
    expect(expected.every((e) => seen.has(e.id))).toBe(true);
  });
});
