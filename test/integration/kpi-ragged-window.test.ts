// Order KPIs of windows that do not start or end on the hour: the whole hours inside come
// from the hour rollup of the order outcomes (sql/046) and the ragged ends from the outcome
// rows, so every moment at an end must be counted once — from the rows, not from a bucket
// that reaches outside the window. The KPI fixture plus O6, whose moments sit in the partial
// hours at both ends; every value is worked out by hand below.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import type { KpiReport } from '../../server/kpi/kpiTypes.ts';
import { fixtureRow, loadKpiFixture } from '../fixtures/kpi/loadFixture.ts';

// O6 tier C, W1, no exception. Created 01:40Z, due 22:15Z, L1 2 × 10 and L2 3 × 5 (value 35),
// shipped in full at 01:50 (UPS), delivered 22:25, invoiced 35: a perfect order.
const o6 = [
  { id: 'o6-c', ts: '2026-03-02T01:40:00.000Z', source: 'erp', type: 'order.created', orderId: 'O6', customerId: 'C6', warehouse: 'W1', attrs: { customerTier: 'C', promisedShipDate: '2026-03-02T22:15:00Z', lines: [{ lineId: 'L1', sku: 'S1', qty: 2, unitPrice: 10 }, { lineId: 'L2', sku: 'S2', qty: 3, unitPrice: 5 }] } },
  { id: 'o6-s', ts: '2026-03-02T01:50:00.000Z', source: 'wms', type: 'shipment.created', orderId: 'O6', shipmentId: 'S6', carrier: 'UPS', warehouse: 'W1', attrs: { lines: [{ lineId: 'L1', qty: 2 }, { lineId: 'L2', qty: 3 }] } },
  { id: 'o6-d', ts: '2026-03-02T22:25:00.000Z', source: 'carrier', type: 'shipment.status', orderId: 'O6', shipmentId: 'S6', carrier: 'UPS', attrs: { status: 'delivered' } },
  { id: 'o6-i', ts: '2026-03-02T22:26:00.000Z', source: 'erp', type: 'order.invoiced', orderId: 'O6', amount: 35, currency: 'USD', attrs: {} },
];

let store: Store;
let report: KpiReport;
// [01:30, 22:30): whole hours 02:00–22:00; previous window [03-01 04:30, 03-02 01:30)
const fromMs = Date.parse('2026-03-02T01:30:00Z');
const toMs = Date.parse('2026-03-02T22:30:00Z');

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-ragged-')) }));
  await migrate(store.client);
  await loadKpiFixture(store.client);
  await insertEvents(store.client, o6.map(fixtureRow));
  report = await computeKpis(store.client, { fromMs, toMs, sla: DEFAULT_SLA_TARGETS });
});
afterAll(async () => store?.close());

describe('order KPIs of a window with ragged ends', () => {
  it('counts the moments in the partial hours at both ends, and only those in the window', () => {
    const c = report.current;
    // created: O6 01:40 (start), O2 02:00, O3 05:00, O5 06:00 — not O1 (01:00, before) → 4
    // manual actions in the window: E1 alice 04:00 and 06:00, E3 bob 05:30, E4 carol 05:00 and
    // 07:00, E6 erin 09:00 → 6 / 4
    expect(c.manualTouchesPerOrder).toBe(1.5);
    // due and active: O2 10:00, O3 22:00 (end), O6 22:15 (end); O5 cancelled, O1 due 23:59 → 3;
    // filled: O6 only (O2 backordered and short on its first shipment, O3 never shipped)
    expect(c.orderFillRate).toBeCloseTo(1 / 3, 9);
    // lines: the due orders' O2 L1, O3 L1 L2, O6 L1 L2, plus O1's two lines first shipped at
    // 10:00 (O1 is not due in the window); O6's lines shipped at 01:50 are counted once, as
    // lines of a due order. Complete first time: O6 L1 L2, O1 L1 L2 → 4 / 7
    expect(c.lineFillRate).toBeCloseTo(4 / 7, 9);
    // units of due lines: O2 10 of 10 shipped, O3 0 of 3, O6 5 of 5 → 15 / 18
    expect(c.unitFillRate).toBeCloseTo(15 / 18, 9);
    // first shipped: O6 01:50 (600 s), O2 08:00 (21600 s), O1 10:00 (32400 s); O4's 01:00 is
    // before the window. p90 of three: 21600 + 0.8 × 10800. With an exception: O2 21600;
    // without: (600 + 32400) / 2 = 16500 → delay 5100
    expect(c.orderCycleSeconds).toEqual({ p50: 21600, p90: 30240, exceptionDelay: 5100 });
    // delivered: O4 09:00, O1 18:00, O2 20:00, O6 22:25 (end); perfect: O1 and O6 → 2 / 4
    expect(c.perfectOrderRate).toBe(0.5);
  });

  it('counts the previous window up to its own ragged end', () => {
    const p = report.previous;
    // [03-01 04:30, 03-02 01:30): created O4 03-01 10:00 and O1 03-02 01:00 (end); no manual action
    expect(p.manualTouchesPerOrder).toBe(0);
    // due: O4 03-01 18:00, shipped in full → 1 / 1; its line shipped at 01:00 (end) is the due
    // order's line, counted once
    expect(p.orderFillRate).toBe(1);
    expect(p.lineFillRate).toBe(1);
    expect(p.unitFillRate).toBe(1);
    // first shipped: O4 at 01:00 (end), 15 h after creation; no order with an exception shipped
    expect(p.orderCycleSeconds).toEqual({ p50: 54000, p90: 54000, exceptionDelay: null });
    expect(p.perfectOrderRate).toBeNull();
  });
});
