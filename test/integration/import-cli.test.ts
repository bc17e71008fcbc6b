// The import command against a real HTTP server speaking the tower's ingest contract
// (POST /api/v1/events → 202 {accepted, duplicates, rejected}, 429 + Retry-After when saturated).
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CANNOT_IMPORT, EXIT_SOME_REJECTED, importCommand } from '../../server/cli/import.ts';
import { validateEvent, type CtEvent } from '../../server/events/schema.ts';

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;

/** A minimal tower intake: validates, dedupes by id, and is saturated for the first `busy` requests. */
function intake() {
  const stored = new Map<string, CtEvent>();
  const state = { busy: 0, requests: 0, contentTypes: new Set<string>() };
  const app = express();
  app.post('/api/v1/events', express.text({ type: () => true, limit: '16mb' }), (req, res) => {
    state.requests++;
    state.contentTypes.add(String(req.headers['content-type']));
    if (state.busy > 0) {
      state.busy--;
      res.status(429).set('retry-after', '2').json({ error: { code: 'saturated', message: 'pipeline saturated' } });
      return;
    }
    let accepted = 0;
    let duplicates = 0;
    const rejected: { index: number; error: string }[] = [];
    String(req.body).split('\n').filter(Boolean).forEach((line, index) => {
      const result = validateEvent(JSON.parse(line));
      if (!result.ok) rejected.push({ index, error: result.error });
      else if (stored.has(result.event.id)) duplicates++;
      else {
        stored.set(result.event.id, result.event);
        accepted++;
      }
    });
    res.status(202).json({ accepted, duplicates, rejected });
  });
  return { app, stored, state };
}

async function run(args: string[], deps: { sleep?: (ms: number) => Promise<void> } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk) => (stdout += chunk));
  err.on('data', (chunk) => (stderr += chunk));
  process.exitCode = 0;
  await importCommand({ out, err, ...deps }).parseAsync(args, { from: 'user' });
  const exitCode = process.exitCode;
  process.exitCode = 0;
  return { stdout, stderr, exitCode };
}

describe('control-tower import', () => {
  const tower = intake();
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = tower.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    tower.stored.clear();
    tower.state.busy = 0;
    tower.state.requests = 0;
  });

  it('imports a small OCEL log end to end, backing off on 429, and reports rejects by reason', async () => {
    tower.state.busy = 1;
    const waits: number[] = [];
    const { stdout, exitCode } = await run(
      [fixture('ocel1-orders.json'), '--format', 'ocel', '--mapping', fixture('ocel.mapping.yaml'), '--target', url, '--batch-size', '4'],
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([2000]);
    expect(tower.state.contentTypes).toEqual(new Set(['application/x-ndjson']));
    const events = [...tower.stored.values()];
    expect(events.map((event) => [event.type, event.orderId ?? null, event.ts])).toEqual([
      ['order.created', 'o1', '2024-03-15T08:00:00.000Z'],
      ['order.credit_checked', 'o1', '2024-03-15T08:10:00.000Z'],
      ['order.created', 'o2', '2024-03-15T09:00:00.000Z'],
      ['pick.completed', 'o1', '2024-03-16T10:00:00.000Z'],
      ['pick.short', 'o1', '2024-03-16T10:05:00.000Z'],
      ['pick.completed', 'o2', '2024-03-16T10:10:00.000Z'],
      ['shipment.created', 'o1', '2024-03-17T07:30:00.000Z'],
      ['shipment.created', 'o2', '2024-03-17T07:30:00.000Z'],
      ['shipment.status', null, '2024-03-18T15:00:00.000Z'],
      ['payment.received', 'o1', '2024-03-19T12:00:00.000Z'],
    ]);
    expect(exitCode).toBe(EXIT_SOME_REJECTED);
    expect(stdout).toMatch(/ocel1-orders\.json \(ocel\): 10 events read, 10 accepted, 0 duplicates, 2 rejected in \d+\.\d s/);
    expect(stdout).toContain("      1  activity '…' is not in ocel.activities\n           e.g. event e11: activity 'reorder item' is not in ocel.activities");
  });

  it('counts a resubmitted X12 interchange as duplicates, not new orders', async () => {
    await run([fixture('x12-850.edi'), '--format', 'x12', '--target', url]);
    const again = await run([fixture('x12-850.edi'), '--format', 'x12', '--target', url]);
    expect(tower.stored.size).toBe(1);
    expect(again.stdout).toMatch(/x12-850\.edi \(x12\): 1 events read, 0 accepted, 1 duplicates, 0 rejected/);
    expect(again.exitCode).toBe(0);
  });

  it('stops with a clear message when the mapping is wrong, before sending anything', async () => {
    const { stderr, exitCode } = await run([fixture('erp-order-items.csv'), '--format', 'csv', '--mapping', fixture('bad.mapping.yaml'), '--target', url]);
    expect(exitCode).toBe(EXIT_CANNOT_IMPORT);
    expect(stderr).toMatch(/^control-tower import: .*bad\.mapping\.yaml: timezone: unknown time zone/);
    expect(tower.state.requests).toBe(0);
  });
});
