import { describe, expect, it } from 'vitest';
import type { CtEvent } from '../../server/events/schema.ts';
import { parseDetectorConfig } from '../../server/detect/config.ts';
import { createDetectors } from '../../server/detect/detectors/index.ts';
import type { Detector, DetectEvent, Signal } from '../../server/detect/signal.ts';
import { ev, HOUR, MIN, order, T0 } from '../fixtures/detectEvents.ts';

const config = parseDetectorConfig({});
function detector(name: string): Detector {
  return createDetectors(config).find((d) => d.name === name)!;
}

/** Runs events through one detector, moving the watermark to each event (and to `until`). */
function run(d: Detector, events: CtEvent[], until?: number): Signal[] {
  const out: Signal[] = [];
  for (const e of events) {
    const ts = Date.parse(e.ts);
    d.onTime(ts - 1, out);
    d.onEvent(e as DetectEvent, ts, out);
  }
  if (until !== undefined) d.onTime(until, out);
  return out;
}
const kinds = (signals: Signal[]) => signals.map((s) => `${s.kind} ${s.correlationKey}`);

describe('backorder detector', () => {
  it('opens one exception per sku × warehouse, links each waiting order and resolves when nothing waits', () => {
    const at = { sku: 'SKU-9', warehouse: 'DC-ATL' };
    const signals = run(detector('backorder'), [
      ev('inventory.allocated', T0, { orderId: 'O-1', lineId: 'O-1-1', ...at }, { qtyAllocated: 2, qtyBackordered: 8 }),
      ev('pick.short', T0 + MIN, { orderId: 'O-2', lineId: 'O-2-1', ...at }, { qtyPicked: 1, qtyShort: 3 }),
      ev('inventory.replenished', T0 + HOUR, at, { qty: 100 }),
      ev('inventory.allocated', T0 + HOUR, { orderId: 'O-1', lineId: 'O-1-1', ...at }, { qtyAllocated: 8, qtyBackordered: 0 }),
      ev('inventory.allocated', T0 + HOUR, { orderId: 'O-2', lineId: 'O-2-1', ...at }, { qtyAllocated: 3, qtyBackordered: 0 }),
    ]);
    expect(kinds(signals)).toEqual(['open backorder:SKU-9@DC-ATL', 'update backorder:SKU-9@DC-ATL', 'resolve backorder:SKU-9@DC-ATL']);
    expect(signals[1].orderIds).toEqual(['O-2']);
  });

  it('ignores allocations that backorder nothing', () => {
    expect(run(detector('backorder'), [ev('inventory.allocated', T0, { orderId: 'O-1', sku: 'S', warehouse: 'W' }, { qtyAllocated: 5, qtyBackordered: 0 })])).toEqual([]);
  });
});

describe('inventory_sync_divergence detector', () => {
  const snap = (at: number, system: string, onHand: number) => ev('inventory.snapshot', at, { sku: 'S', warehouse: 'W' }, { system, onHand, available: onHand });
  it('opens when ERP and WMS disagree beyond tolerance and resolves when they agree again', () => {
    const signals = run(detector('inventory_sync_divergence'), [snap(T0, 'erp', 100), snap(T0, 'wms', 100), snap(T0 + HOUR, 'erp', 100), snap(T0 + HOUR, 'wms', 40), snap(T0 + 2 * HOUR, 'erp', 41), snap(T0 + 2 * HOUR, 'wms', 40)]);
    expect(kinds(signals)).toEqual(['open inventory:S@W', 'resolve inventory:S@W']);
    expect(signals[0].details).toMatchObject({ erpOnHand: 100, wmsOnHand: 40 });
  });
  it('stays quiet within tolerance', () => {
    expect(run(detector('inventory_sync_divergence'), [snap(T0, 'erp', 1000), snap(T0, 'wms', 980)])).toEqual([]);
  });
});

describe('pricing_discrepancy detector', () => {
  const priced = (at: number, lineId: string, unitPrice: number, contractPrice: number, unitCost = 50) =>
    ev('order.priced', at, { orderId: 'O-1', lineId, qty: 2 }, { lineId, unitPrice, contractPrice, unitCost });
  it('flags a price off contract and resolves when re-priced at contract', () => {
    const signals = run(detector('pricing_discrepancy'), [priced(T0, 'L1', 110, 100), priced(T0, 'L2', 100, 100), priced(T0 + HOUR, 'L1', 100, 100)]);
    expect(kinds(signals)).toEqual(['open pricing:O-1:contract', 'resolve pricing:O-1:contract']);
  });
  it('flags a margin below the floor on a line priced at contract', () => {
    const signals = run(detector('pricing_discrepancy'), [priced(T0, 'L1', 51, 51, 50)]);
    expect(kinds(signals)).toEqual(['open pricing:O-1:margin']);
  });
});

describe('credit_hold detector', () => {
  it('makes one exception per customer for all held orders and resolves when every hold is released', () => {
    const d = detector('credit_hold');
    const signals = run(d, [
      ev('payment.overdue', T0, { customerId: 'C-7', amount: 5000 }, { daysPastDue: 45 }),
      ev('order.credit_checked', T0, { orderId: 'O-1', customerId: 'C-7' }, { result: 'hold' }),
      ev('order.credit_checked', T0 + MIN, { orderId: 'O-2', customerId: 'C-7' }, { result: 'hold' }),
      ev('payment.received', T0 + HOUR, { customerId: 'C-7', amount: 5000 }),
      ev('order.released', T0 + HOUR, { orderId: 'O-1' }, { holdCode: 'credit' }),
      ev('order.released', T0 + HOUR, { orderId: 'O-2' }, { holdCode: 'credit' }),
    ]);
    expect(kinds(signals)).toEqual(['open credit:C-7', 'update credit:C-7', 'update credit:C-7', 'resolve credit:C-7']);
  });
});

describe('shipment_delay detector', () => {
  it('fires from the event-time watermark when the promised ship date passes with no shipment, and resolves on shipment', () => {
    const promised = T0 + 10 * HOUR;
    const d = detector('shipment_delay');
    const created = order('O-1', T0, { attrs: { promisedShipDate: new Date(promised).toISOString() } });
    expect(run(d, [created], promised - 1)).toEqual([]);
    const late = run(d, [], promised);
    expect(kinds(late)).toEqual(['open delay:O-1']);
    expect(late[0].ts).toBe(promised);
    expect(late[0].slaDueAt).toBe(promised);
    expect(kinds(run(d, [ev('shipment.created', promised + HOUR, { orderId: 'O-1', shipmentId: 'SH-1' }, { lines: [{ lineId: 'O-1-1', qty: 10 }] })]))).toEqual(['resolve delay:O-1']);
  });
  it('does not fire for an order shipped on time', () => {
    const promised = T0 + 10 * HOUR;
    const signals = run(
      detector('shipment_delay'),
      [order('O-1', T0, { attrs: { promisedShipDate: new Date(promised).toISOString() } }), ev('shipment.created', promised, { orderId: 'O-1', shipmentId: 'SH-1' }, { lines: [{ lineId: 'O-1-1', qty: 10 }] })],
      promised + 5 * HOUR,
    );
    expect(signals).toEqual([]);
  });
  it('opens on an ETA past the promised delivery date and resolves on delivery', () => {
    const fields = { orderId: 'O-3', shipmentId: 'SH-3', carrier: 'UPS' };
    const signals = run(detector('shipment_delay'), [
      ev('shipment.status', T0, fields, { status: 'delayed', eta: '2025-03-08T12:00:00.000Z', promisedDate: '2025-03-06T23:00:00.000Z' }),
      ev('shipment.status', T0 + 3 * 24 * HOUR, fields, { status: 'delivered' }),
    ]);
    expect(kinds(signals)).toEqual(['open delay:O-3', 'resolve delay:O-3']);
  });
});

describe('carrier_failure detector', () => {
  const call = (at: number, ok: boolean, orderId?: string) => ev('carrier.api_call', at, { carrier: 'UPS', ...(orderId ? { orderId } : {}) }, { operation: 'label', ok, latencyMs: ok ? 200 : 30_000 });
  it('makes an outage one incident linked to the affected orders and resolves after a healthy period', () => {
    const healthy = Array.from({ length: 200 }, (_, i) => call(T0 + i * 10_000, true));
    const t1 = T0 + 200 * 10_000;
    const outage = Array.from({ length: 6 }, (_, i) => call(t1 + i * 20_000, false, `O-${i}`));
    const t2 = t1 + 6 * 20_000;
    const after = Array.from({ length: 40 }, (_, i) => call(t2 + i * 15_000, true));
    const signals = run(detector('carrier_failure'), [...healthy, ...outage, ...after], t2 + 40 * 15_000);
    expect(signals.filter((s) => s.kind === 'open')).toHaveLength(1);
    expect(new Set(signals.flatMap((s) => s.orderIds ?? []))).toEqual(new Set(['O-0', 'O-1', 'O-2', 'O-3', 'O-4', 'O-5']));
    expect(signals.at(-1)!.kind).toBe('resolve');
  });
  it('does not treat a rare isolated error as an outage', () => {
    const calls = Array.from({ length: 500 }, (_, i) => call(T0 + i * 5_000, i % 100 !== 50));
    expect(run(detector('carrier_failure'), calls)).toEqual([]);
  });
  it('opens a failed delivery per shipment and resolves it on delivery', () => {
    const f = { orderId: 'O-1', shipmentId: 'SH-1', carrier: 'FDX' };
    const signals = run(detector('carrier_failure'), [ev('shipment.status', T0, f, { status: 'failed_delivery', reason: 'closed' }), ev('shipment.status', T0 + 24 * HOUR, f, { status: 'delivered' })]);
    expect(kinds(signals)).toEqual(['open delivery:SH-1', 'resolve delivery:SH-1']);
  });
});

describe('duplicate_order detector', () => {
  it('links a resent PO to the original and resolves when the copy is cancelled', () => {
    const lines = [{ lineId: 'x', sku: 'SKU-1', qty: 4, unitPrice: 10 }];
    const a = order('O-1', T0, { lines, attrs: { poNumber: 'PO-77' } });
    const b = order('O-2', T0 + 10 * MIN, { lines: [{ ...lines[0], lineId: 'y' }], attrs: { poNumber: 'PO-77' } });
    const signals = run(detector('duplicate_order'), [a, b, ev('order.cancelled', T0 + HOUR, { orderId: 'O-2' })]);
    expect(kinds(signals)).toEqual(['open duplicate:O-2', 'resolve duplicate:O-2']);
    expect(signals[0].orderIds).toEqual(['O-2', 'O-1']);
    expect(signals[0].details).toMatchObject({ matchedOn: ['po', 'lines'] });
  });
  it('does not match orders outside the window', () => {
    const a = order('O-1', T0, { attrs: { poNumber: 'PO-1' } });
    const b = order('O-2', T0 + 72 * HOUR, { attrs: { poNumber: 'PO-1' } });
    expect(run(detector('duplicate_order'), [a, b])).toEqual([]);
  });
  it('judges the window on the two orders\' own times when history arrives out of order, before any sweep', () => {
    // Replayed history: the watermark has not swept the earlier entry; the two orders are 10 days apart.
    const d = detector('duplicate_order');
    const out: Signal[] = [];
    const late = order('O-1', T0 + 10 * 24 * HOUR, { attrs: { poNumber: 'PO-5' } });
    const early = order('O-2', T0, { attrs: { poNumber: 'PO-5' } });
    const near = order('O-3', T0 + HOUR, { attrs: { poNumber: 'PO-5' } });
    for (const e of [late, early, near]) d.onEvent(e as DetectEvent, Date.parse(e.ts), out);
    expect(kinds(out)).toEqual(['open duplicate:O-3']);
    expect(out[0].orderIds).toEqual(['O-3', 'O-2']);
  });
});

describe('missing_master_data detector', () => {
  it('opens for an order without tax jurisdiction and resolves when the tax hold is released', () => {
    const created = order('O-1', T0, { attrs: { shipTo: { city: 'Reno' } } });
    const signals = run(detector('missing_master_data'), [created, ev('order.held', T0 + MIN, { orderId: 'O-1' }, { holdCode: 'tax' }), ev('order.released', T0 + HOUR, { orderId: 'O-1' }, { holdCode: 'tax' })]);
    expect(kinds(signals)).toEqual(['open masterdata:O-1', 'update masterdata:O-1', 'resolve masterdata:O-1']);
    expect(signals[0].details).toEqual({ missing: ['shipTo.taxJurisdiction'] });
  });
});

describe('routing_violation detector', () => {
  it('catches a split of a ship-complete order at the first, incomplete shipment', () => {
    const lines = [
      { lineId: 'L1', sku: 'A', qty: 2, unitPrice: 1 },
      { lineId: 'L2', sku: 'B', qty: 3, unitPrice: 1 },
    ];
    const signals = run(detector('routing_violation'), [
      order('O-1', T0, { lines, attrs: { shipComplete: true } }),
      ev('shipment.created', T0 + HOUR, { orderId: 'O-1', shipmentId: 'S1' }, { lines: [{ lineId: 'L1', qty: 2 }] }),
      ev('shipment.created', T0 + 2 * HOUR, { orderId: 'O-1', shipmentId: 'S2' }, { lines: [{ lineId: 'L2', qty: 3 }] }),
    ]);
    expect(kinds(signals)).toEqual(['open routing:O-1', 'update routing:O-1']);
  });
  it('accepts one complete shipment, and splits of orders that are not ship-complete', () => {
    const lines = [{ lineId: 'L1', sku: 'A', qty: 2, unitPrice: 1 }];
    const signals = run(detector('routing_violation'), [
      order('O-1', T0, { lines, attrs: { shipComplete: true } }),
      ev('shipment.created', T0 + HOUR, { orderId: 'O-1', shipmentId: 'S1' }, { lines: [{ lineId: 'L1', qty: 2 }] }),
      order('O-2', T0, { lines, attrs: { shipComplete: false } }),
      ev('shipment.created', T0 + HOUR, { orderId: 'O-2', shipmentId: 'S2' }, { lines: [{ lineId: 'L1', qty: 1 }] }),
    ]);
    expect(signals).toEqual([]);
  });
});

describe('integration_failure detector', () => {
  const msg = (at: number, ok: boolean, extra: Record<string, unknown> = {}) => ev('integration.message', at, { interface: 'erp_order_api' }, { direction: 'in', ok, latencyMs: 200, ...extra });
  it('makes a retry storm one incident and resolves once healthy for the configured time', () => {
    const normal = Array.from({ length: 100 }, (_, i) => msg(T0 + i * 6_000, true));
    const t1 = T0 + 100 * 6_000;
    const storm = Array.from({ length: 30 }, (_, i) => msg(t1 + i * 4_000, false, { retry: i, messageId: 'M-1', errorCode: i === 29 ? 'DEAD_LETTER' : 'HTTP_409' }));
    const t2 = t1 + 30 * 4_000;
    const after = Array.from({ length: 60 }, (_, i) => msg(t2 + i * 6_000, true));
    const signals = run(detector('integration_failure'), [...normal, ...storm, ...after], t2 + 60 * 6_000);
    expect(signals.filter((s) => s.kind === 'open')).toHaveLength(1);
    const resolve = signals.find((s) => s.kind === 'resolve')!;
    expect(resolve.ts - Date.parse(storm.at(-1)!.ts)).toBeGreaterThanOrEqual(5 * MIN);
  });
  it('learns a failure rate from healthy traffic and ignores isolated failures', () => {
    const msgs = Array.from({ length: 1000 }, (_, i) => msg(T0 + i * 3_000, i % 300 !== 7));
    expect(run(detector('integration_failure'), msgs)).toEqual([]);
  });
});

describe('order_anomaly detector', () => {
  it('flags a quantity far outside the customer history by robust z-score, and not the normal spread', () => {
    const d = detector('order_anomaly');
    const history = Array.from({ length: 30 }, (_, i) => order(`O-${i}`, T0 + i * MIN, { lines: [{ lineId: `O-${i}-1`, sku: `SKU-${i % 5}`, qty: 8 + (i % 5), unitPrice: 3 }] }));
    expect(run(d, history)).toEqual([]);
    const spike = order('O-X', T0 + HOUR, { lines: [{ lineId: 'O-X-1', sku: 'SKU-1', qty: 300, unitPrice: 3 }] });
    const signals = run(d, [spike]);
    expect(kinds(signals)).toEqual(['open anomaly:O-X']);
    expect(signals[0].lines).toEqual([{ orderId: 'O-X', lineId: 'O-X-1' }]);
  });
  it('takes a quantity the customer orders often as usual even when another one is the majority, and still flags a rare spike', () => {
    const d = detector('order_anomaly');
    // 8 orders of 6 units for every 6 of 26 (same sku): the MAD is 0, yet 26 is this customer's other usual size.
    const qtys = Array.from({ length: 42 }, (_, i) => ([0, 2, 4, 6, 8, 9, 11, 13].includes(i % 14) ? 6 : 26));
    const history = qtys.map((qty, i) => order(`O-${i}`, T0 + i * MIN, { lines: [{ lineId: `O-${i}-1`, sku: 'SKU-1', qty, unitPrice: 3 }] }));
    expect(run(d, history)).toEqual([]);
    const usual = order('O-U', T0 + HOUR, { lines: [{ lineId: 'O-U-1', sku: 'SKU-1', qty: 26, unitPrice: 3 }] });
    expect(run(d, [usual])).toEqual([]);
    const spike = order('O-X', T0 + 2 * HOUR, { lines: [{ lineId: 'O-X-1', sku: 'SKU-1', qty: 400, unitPrice: 3 }] });
    expect(kinds(run(d, [spike]))).toEqual(['open anomaly:O-X']);
  });
});
