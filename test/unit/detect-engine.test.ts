import { describe, expect, it } from 'vitest';
import type { CtEvent } from '../../server/events/schema.ts';
import type { ExceptionRecord } from '../../server/contracts/exception.ts';
import type { Triage } from '../../server/contracts/triage.ts';
import { ExceptionBook } from '../../server/exceptions/book.ts';
import { parseDetectorConfig } from '../../server/detect/config.ts';
import { DetectionEngine } from '../../server/detect/engine.ts';
import { createSimulator } from '../../server/sim/simulator.ts';
import { ev, HOUR, MIN, order, T0 } from '../fixtures/detectEvents.ts';

/** An explicit triage for tests: priority is the revenue at risk, capped. */
const triage: Triage = (input) => ({
  priority: Math.min(100, Math.round(input.revenueAtRisk)),
  severity: input.revenueAtRisk > 50 ? 'high' : 'low',
  team: input.type === 'backorder' ? 'warehouse' : 'it',
  formulaVersion: 'test-1',
  parts: { revenue: { value: input.revenueAtRisk, weight: 1, contribution: input.revenueAtRisk } },
});

function setup(overrides: Record<string, unknown> = {}) {
  const book = new ExceptionBook({ persist: async () => {} });
  const versions: ExceptionRecord[] = [];
  book.changes$.subscribe((r) => versions.push(r));
  const engine = new DetectionEngine({ config: parseDetectorConfig(overrides), book, triage });
  return { book, engine, versions };
}

describe('detection engine', () => {
  it('turns signals into exception versions with evidence, detector, thresholds, triage and revenue of the affected lines once', () => {
    const { book, engine, versions } = setup({ engine: { updateIntervalSeconds: 0 } });
    const lines = [
      { lineId: 'O-1-1', sku: 'SKU-9', qty: 10, unitPrice: 4 },
      { lineId: 'O-1-2', sku: 'SKU-8', qty: 1, unitPrice: 1000 },
    ];
    const at = { sku: 'SKU-9', warehouse: 'DC-ATL' };
    engine.process([
      order('O-1', T0, { lines, attrs: { customerTier: 'A', sameDay: true, promisedShipDate: '2025-03-03T23:00:00.000Z' } }),
      ev('inventory.allocated', T0 + MIN, { orderId: 'O-1', lineId: 'O-1-1', ...at }, { qtyAllocated: 0, qtyBackordered: 10 }),
      ev('pick.short', T0 + 2 * MIN, { orderId: 'O-1', lineId: 'O-1-1', ...at }, { qtyPicked: 0, qtyShort: 2 }),
    ]);
    const [x] = book.listActive();
    expect(x).toMatchObject({
      type: 'backorder',
      status: 'open',
      version: 2,
      correlationKey: 'backorder:SKU-9@DC-ATL',
      orderIds: ['O-1'],
      customerTier: 'A',
      revenueAtRisk: 40, // line O-1-1 only, counted once although it was signalled twice
      team: 'warehouse',
      severity: 'low',
      detector: { name: 'backorder', version: '1.0.0' },
      thresholds: { minQty: 1 },
      slaDueAt: '2025-03-03T23:00:00.000Z',
      detectedAt: new Date(T0 + MIN).toISOString(),
    });
    expect(x.evidence).toHaveLength(2);
    expect(x.details.sameDay).toBe(true);
    expect(x.confidence).toBeGreaterThan(0.5);
    expect(versions.map((v) => v.change)).toEqual(['detected', 'updated']);
  });

  it('folds a repeated signal into the open exception instead of opening another, at most once per update interval', () => {
    const { book, engine, versions } = setup();
    const calls: CtEvent[] = [];
    for (let i = 0; i < 100; i++) calls.push(ev('carrier.api_call', T0 + i * 6_000, { carrier: 'UPS', orderId: `O-${i}` }, { operation: 'rate', ok: true, latencyMs: 150 }));
    for (let i = 0; i < 40; i++) calls.push(ev('carrier.api_call', T0 + 600_000 + i * 5_000, { carrier: 'UPS', orderId: `X-${i}` }, { operation: 'label', ok: false, latencyMs: 30_000, errorCode: 'HTTP_503' }));
    engine.process(calls);
    engine.flushAll();
    const active = book.listActive();
    expect(active).toHaveLength(1);
    expect(active[0].orderIds).toHaveLength(40);
    // 40 failures over 200 s: one detection and a few folded updates, not 40 versions.
    expect(versions.length).toBeLessThanOrEqual(6);
  });

  it('resolves automatically with reason auto when the resolving event arrives', () => {
    const { book, engine } = setup();
    engine.process([order('O-1', T0, { attrs: { shipTo: { city: 'Reno' } } }), ev('order.released', T0 + HOUR, { orderId: 'O-1' }, { holdCode: 'tax' })]);
    expect(book.listActive()).toHaveLength(0);
    const closed = book.get([...new Set([book])].length ? (book as unknown as { closed: Map<string, ExceptionRecord> }).closed.keys().next().value! : '');
    expect(closed).toMatchObject({ status: 'resolved', resolutionReason: 'auto', type: 'missing_master_data', resolvedAt: new Date(T0 + HOUR).toISOString() });
  });

  it('judges promises against event time: an import of old events raises delays dated in the past, and idle clock ticks never jump to today', () => {
    const { book, engine } = setup();
    const promised = Date.parse('2024-01-10T23:00:00.000Z');
    engine.process([order('O-OLD', promised - 20 * HOUR, { attrs: { promisedShipDate: new Date(promised).toISOString() } })]);
    engine.advanceClock(Date.parse('2026-01-01T00:00:00Z')); // today: far from the stream, so ignored
    expect(book.listActive()).toHaveLength(0);
    engine.process([ev('order.invoiced', promised + HOUR, { orderId: 'O-OTHER' })]);
    expect(book.listActive().map((x) => [x.type, x.detectedAt])).toEqual([['shipment_delay', new Date(promised).toISOString()]]);
  });

  it('advances the watermark by the clock while live traffic is idle', () => {
    const { book, engine } = setup();
    const promised = T0 + HOUR;
    engine.process([order('O-1', T0, { attrs: { promisedShipDate: new Date(promised).toISOString() } })]);
    engine.advanceClock(T0 + 2_000); // the order arrived live
    expect(book.listActive()).toHaveLength(0);
    engine.advanceClock(promised + 10_000);
    expect(book.listActive().map((x) => x.type)).toEqual(['shipment_delay']);
  });

  it('never depends on the simulator labels: output is identical with attrs.injected removed', () => {
    const sim = createSimulator({ seed: 5, startTs: T0, linesPerDay: 4000, skus: 200, customers: 100, faultRates: { backorder: 0.1, lateShipment: 0.1, splitShipment: 0.3, creditHold: 0.05, anomalousQuantity: 0.05, missingTaxJurisdiction: 0.05, ediRetryDuplicate: 0.1, carrierOutagesPerDay: 20, interfaceBurstsPerDay: 20, inventorySyncPerDay: 20, contractPriceMismatch: 0.05 } });
    const events = sim.advanceTo(T0 + 8 * HOUR);
    const labelled = events.filter((e) => (e.attrs as { injected?: unknown }).injected).length;
    expect(labelled).toBeGreaterThan(100);
    const stripped = events.map((e) => {
      const { injected: _drop, ...attrs } = e.attrs as Record<string, unknown>;
      return { ...e, attrs } as CtEvent;
    });
    const runOn = (input: CtEvent[]) => {
      const { engine, versions } = setup();
      for (let i = 0; i < input.length; i += 5000) engine.process(input.slice(i, i + 5000));
      engine.flushAll();
      return versions;
    };
    const a = runOn(events);
    expect(a.length).toBeGreaterThan(20);
    expect(runOn(stripped)).toEqual(a);
  });

  it('keeps detector state bounded over simulated days', () => {
    const sim = createSimulator({ seed: 3, startTs: T0, linesPerDay: 2000, skus: 150, customers: 150 });
    const { engine } = setup({ engine: { orderTtlHours: 24 }, duplicate_order: { windowHours: 12 } });
    const totals: number[] = [];
    for (let day = 1; day <= 5; day++) {
      for (let h = 1; h <= 24; h++) engine.process(sim.advanceTo(T0 + ((day - 1) * 24 + h) * HOUR));
      const sizes = engine.stateSizes();
      totals.push(Object.entries(sizes).reduce((s, [name, m]) => s + (name === 'order_anomaly' ? 0 : Object.values(m).reduce((a, b) => a + b, 0)), 0));
    }
    // Once the longest lifetime has passed (2 days here) the state stops growing.
    expect(totals[4]).toBeLessThan(totals[2] * 1.15);
    expect(totals[4]).toBeGreaterThan(totals[2] * 0.85);
  }, 60_000);
});
