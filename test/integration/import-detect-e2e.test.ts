// Imported history is watched as if it were live: `control-tower import --data` (the real CLI, a
// child process) runs the detection engine on the file's own clock, so a March 2026 log raises
// March 2026 exceptions — with March detection times, closed by the March events that resolve
// them — and the KPIs and `baseline` of that week come out of it. Every expected figure below
// is worked out by hand from test/fixtures/import/ocel2-march.json (never by the KPI SQL).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { openStore, type Store } from '../../server/store/client.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'import', name);
const dataDir = mkdtempSync(join(tmpdir(), 'ct-import-detect-'));
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: root, env: { ...process.env, CONTROL_TOWER_DETECTION: 'true' } });
const importMarch = () => cli('import', fixture('ocel2-march.json'), '--format', 'ocel', '--mapping', fixture('ocel2-march.mapping.yaml'), '--data', dataDir);
const at = (iso: string) => Date.parse(iso);

let firstRun: { stdout: string };
let secondRun: { stdout: string };
let baselineJson: Record<string, unknown>;
let store: Store;

beforeAll(async () => {
  // Child processes first (one chDB data dir is one process at a time), then this process opens it.
  firstRun = await importMarch();
  secondRun = await importMarch();
  baselineJson = JSON.parse((await cli('baseline', '--data', dataDir, '--from', '2026-03-01', '--to', '2026-03-10', '--format', 'json')).stdout);
  store = await openStore(loadConfig({}, { dataDir }));
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('import --data with detection on', () => {
  it('prints the exceptions it detected by type, and none again when the same file comes twice', () => {
    expect(firstRun.stdout).toContain('18 events read, 18 accepted, 0 duplicates, 0 rejected');
    expect(firstRun.stdout).toContain('exceptions detected: 3 (2 resolved by a later event, 1 still open)');
    expect(firstRun.stdout).toMatch(/ 1 {2}backorder \(1 resolved\)\n/);
    expect(firstRun.stdout).toMatch(/ 1 {2}missing_master_data\n/);
    expect(firstRun.stdout).toMatch(/ 1 {2}shipment_delay \(1 resolved\)\n/);
    expect(secondRun.stdout).toContain('18 events read, 0 accepted, 18 duplicates, 0 rejected');
    expect(secondRun.stdout).toContain('exceptions detected: 0');
  });

  it('stores each exception with its detection time in event time, auto-resolved where the resolving event exists', async () => {
    const rows = await (await store.client.query({
      query: `SELECT type, order_ids, toString(detected_at) AS detected, status, toString(resolved_at) AS resolved, resolution_reason, revenue_at_risk
              FROM exceptions_current FINAL ORDER BY detected_at`,
      format: 'JSONEachRow',
    })).json<{ type: string; order_ids: string[]; detected: string; status: string; resolved: string | null; resolution_reason: string; revenue_at_risk: number }>();
    expect(rows.map((r) => [r.type, r.order_ids, r.detected, r.status, r.resolved, r.resolution_reason])).toEqual([
      // o-102's ship-to has no tax jurisdiction: raised when the order arrives, nothing resolves it.
      ['missing_master_data', ['o-102'], '2026-03-02 09:00:00.000', 'open', null, ''],
      // o-103: 3 of 8 GAD-200 backordered at WH1 on allocation; re-allocated on 2026-03-05 09:00.
      ['backorder', ['o-103'], '2026-03-02 11:00:00.000', 'resolved', '2026-03-05 09:00:00.000', 'auto'],
      // o-104 promised 2026-03-04 12:00 and shipped 2026-03-07 15:00: late from the promise on
      // (the watermark passed it when later events arrived — never judged against today).
      ['shipment_delay', ['o-104'], '2026-03-04 12:00:00.000', 'resolved', '2026-03-07 15:00:00.000', 'auto'],
    ]);
    // Revenue at risk of each, lines × price: o-102 6 × 10 = 60; o-103's backordered line i4 8 × 25 = 200; o-104 5 × 10 = 50.
    expect(rows.map((r) => r.revenue_at_risk)).toEqual([60, 200, 50]);
  });

  it('audits every imported detection like a live one: one entry per version a detector committed', async () => {
    const audit = await (await store.client.query({
      query: `SELECT exception_id, exception_version, outcome, order_ids FROM audit_log WHERE kind = 'detection' ORDER BY exception_id, exception_version`,
      format: 'JSONEachRow',
    })).json<{ exception_id: string; exception_version: number; outcome: string; order_ids: string[] }>();
    const versions = await (await store.client.query({
      query: `SELECT exception_id, version, change FROM exception_log ORDER BY exception_id, version`,
      format: 'JSONEachRow',
    })).json<{ exception_id: string; version: number; change: string }>();
    // Three exceptions: opened (3), and two of them resolved by a later event (2); the second import adds none.
    expect(versions).toHaveLength(5);
    expect(audit.map((a) => [a.exception_id, a.exception_version, a.outcome])).toEqual(versions.map((v) => [v.exception_id, v.version, v.change]));
    expect(new Set(audit.flatMap((a) => a.order_ids))).toEqual(new Set(['o-102', 'o-103', 'o-104']));
  });

  it('gives the week its KPIs', async () => {
    const { current } = await computeKpis(store.client, { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-10T00:00:00Z'), sla: DEFAULT_SLA_TARGETS });
    // Lines: o-101 i1 10/10, i2 4/4; o-102 i3 6/6; o-103 i4 8/8 (one shipment after re-allocation);
    // o-104 i6 5/5; o-105 i7 6/10 first then 3 more, i8 2/2. First-time complete: 6 of 7.
    expect(current.lineFillRate).toBeCloseTo(6 / 7, 10);
    // Units ordered 10+4+6+8+5+10+2 = 45; shipped (capped) 10+4+6+8+5+(6+3)+2 = 44.
    expect(current.unitFillRate).toBeCloseTo(44 / 45, 10);
    // Due orders 5; complete without backorder: o-101, o-102, o-104 (late, but filled) = 3; o-103 backordered, o-105 short.
    expect(current.orderFillRate).toBeCloseTo(3 / 5, 10);
    // Delivered in the window: o-101 (on time, complete, no exception, invoiced 10×10 + 4×25 = 200) and o-105 (short): 1 of 2.
    expect(current.perfectOrderRate).toBeCloseTo(1 / 2, 10);
    // 5 orders created, no manual action: 0 / 5 (null would mean no orders at all).
    expect(current.manualTouchesPerOrder).toBe(0);
    // Open at the window end: only o-102's missing master data, its line 6 × 10 = 60.
    expect(current.openExceptions.total).toBe(1);
    expect(current.openExceptions.byType).toEqual({ missing_master_data: 1 });
    expect(current.revenueAtRisk).toBe(60);
    // Resolved: backorder 03-02 11:00 → 03-05 09:00 = 70 h = 252000 s; delay 03-04 12:00 → 03-07 15:00 = 75 h = 270000 s.
    expect(current.resolutionSeconds.mean).toBe((252_000 + 270_000) / 2);
    expect(current.autoResolutionRate).toBe(1);
    // First shipment − creation: o-101 30 h, o-102 50 h, o-103 78 h, o-104 103 h, o-105 25 h → median 50 h = 180000 s.
    expect(current.orderCycleSeconds.p50).toBe(180_000);
  });

  it('sees the exceptions as they stood at any moment of the week, by event time', async () => {
    // At 2026-03-04 13:00 all three are open: o-102 60 + o-103's line 8 × 25 = 200 + o-104 5 × 10 = 50 → 310.
    const { current } = await computeKpis(store.client, { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-04T13:00:00Z'), sla: DEFAULT_SLA_TARGETS });
    expect(current.openExceptions.byType).toEqual({ backorder: 1, missing_master_data: 1, shipment_delay: 1 });
    expect(current.revenueAtRisk).toBe(310);
    // An hour earlier the delay is not yet due (promise 12:00 is the end of the window, exclusive).
    const before = await computeKpis(store.client, { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-04T12:00:00Z'), sla: DEFAULT_SLA_TARGETS });
    expect(before.current.openExceptions.byType).toEqual({ backorder: 1, missing_master_data: 1 });
  });

  it('baseline of the week from the CLI: exception volume by type, cycle delay, revenue at risk, fill rates', () => {
    expect(baselineJson).toMatchObject({
      exceptionVolume: { backorder: 1, missing_master_data: 1, shipment_delay: 1 },
      exceptionsTotal: 3,
      averageResolutionSeconds: 261_000,
      // Orders named by an exception: o-102 50 h, o-103 78 h, o-104 103 h → mean 77 h = 277200 s;
      // the others o-101 30 h, o-105 25 h → 27.5 h = 99000 s; delay 178200 s.
      orderCycleExceptionDelaySeconds: 277_200 - 99_000,
      manualTouchesPerOrder: 0,
      revenueAtRisk: 60,
      orderFillRate: 0.6,
      perfectOrderRate: 0.5,
    });
    expect(baselineJson.lineFillRate).toBeCloseTo(6 / 7, 10);
    expect(baselineJson.unitFillRate).toBeCloseTo(44 / 45, 10);
  });

  it('counts the five orders of the file once each', async () => {
    const rows = await (await store.client.query({ query: "SELECT count() AS n, uniqExact(order_id) AS orders FROM events WHERE type = 'order.created'", format: 'JSONEachRow' })).json<{ n: number; orders: number }>();
    expect(rows[0]).toEqual({ n: 5, orders: 5 });
  });
});
