import { describe, expect, it } from 'vitest';
import { EXCEPTION_TYPES } from '../../server/events/schema.ts';
import { faultRatesSchema } from '../../server/sim/config.ts';
import { createSimulator } from '../../server/sim/simulator.ts';
import { checkGroundTruth } from '../fixtures/simOracle.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const DAY = 86_400_000;
const BOOSTED = {
  backorder: 0.03,
  inventorySyncPerDay: 20,
  contractPriceMismatch: 0.02,
  marginBelowFloor: 0.02,
  creditHold: 0.02,
  lateShipment: 0.03,
  etaSlip: 0.03,
  carrierOutagesPerDay: 8,
  failedDelivery: 0.03,
  ediRetryDuplicate: 0.03,
  apiReplayDuplicate: 0.03,
  missingTaxJurisdiction: 0.02,
  splitShipment: 0.1,
  interfaceBurstsPerDay: 10,
  retryStormsPerDay: 5,
  anomalousQuantity: 0.01,
};
const NONE = Object.fromEntries(Object.keys(faultRatesSchema.shape).map((k) => [k, 0]));

describe('simulator ground truth', () => {
  const sim = createSimulator({ seed: 3, startTs: START, linesPerDay: 20_000, faultRates: BOOSTED });
  const events = sim.advanceTo(START + 2 * DAY);

  it('labels every exception signal in the telemetry and nothing else', () => {
    const report = checkGroundTruth(events, sim.world);
    expect(report.mismatches.slice(0, 10)).toEqual([]);
    for (const type of EXCEPTION_TYPES.filter((t) => t !== 'integration_failure')) expect(report.signals[type] ?? 0, type).toBeGreaterThan(0);
    expect(report.unlabelledFailureShare).toBeLessThan(0.005);
  });

  it('lists every labelled fault in the manifest with the same type, one root cause per fault', () => {
    const byId = new Map(sim.faults.map((f) => [f.faultId, f]));
    const labelled = new Map<string, number>();
    for (const e of events) {
      const label = (e.attrs as { injected?: { type: string; faultId: string } }).injected;
      if (!label) continue;
      expect(byId.get(label.faultId)?.type).toBe(label.type);
      labelled.set(label.faultId, (labelled.get(label.faultId) ?? 0) + 1);
    }
    for (const type of EXCEPTION_TYPES) expect(sim.faults.some((f) => f.type === type), type).toBe(true);
    for (const f of sim.faults) {
      // A missed promise is visible by absence: no shipment by the promised date.
      if (f.type !== 'shipment_delay' && f.kind !== 'anomalous_quantity') expect(labelled.get(f.faultId) ?? 0, `${f.faultId} ${f.kind}`).toBeGreaterThan(0);
      expect(f.startTs).toBeGreaterThanOrEqual(START);
    }
    // An outage is one fault with many failed calls, not one fault per call.
    const outages = sim.faults.filter((f) => f.kind === 'carrier_outage');
    expect(outages.reduce((s, f) => s + (labelled.get(f.faultId) ?? 0), 0) / outages.length).toBeGreaterThan(3);
    for (const f of outages) expect(f.keys.carrier).toBeTruthy();
    for (const f of sim.faults.filter((x) => x.type === 'integration_failure')) expect(f.keys.interface).toBeTruthy();
    for (const f of sim.faults.filter((x) => x.type === 'duplicate_order')) expect(f.keys.orderIds).toHaveLength(2);
  });

  it('injects each fault at its configured rate', () => {
    const orders = events.filter((e) => e.type === 'order.created');
    const originals = orders.filter((e) => !(e.attrs as { injected?: { type: string } }).injected || (e.attrs as { injected?: { type: string } }).injected!.type !== 'duplicate_order');
    const count = (kind: string) => sim.faults.filter((f) => f.kind === kind && f.injected).length;
    const expectRate = (kind: string, opportunities: number, rate: number) => {
      const mean = opportunities * rate;
      const tolerance = 4 * Math.sqrt(mean) + 0.15 * mean;
      expect(Math.abs(count(kind) - mean), `${kind}: ${count(kind)} vs ${mean.toFixed(1)}`).toBeLessThanOrEqual(tolerance);
    };
    const channel = (c: string) => originals.filter((e) => e.type === 'order.created' && e.attrs.channel === c).length;
    expectRate('anomalous_quantity', originals.length, BOOSTED.anomalousQuantity);
    expectRate('missing_tax_jurisdiction', originals.length, BOOSTED.missingTaxJurisdiction);
    expectRate('contract_mismatch', orders.length, BOOSTED.contractPriceMismatch);
    expectRate('margin_below_floor', originals.length, BOOSTED.marginBelowFloor);
    expectRate('edi_retry', channel('edi'), BOOSTED.ediRetryDuplicate);
    expectRate('api_timeout_replay', channel('ecom'), BOOSTED.apiReplayDuplicate);
    expectRate('stockout', orders.length, BOOSTED.backorder);
    expectRate('overdue_invoice', orders.length, BOOSTED.creditHold);
    expectRate('stale_sync', 2, BOOSTED.inventorySyncPerDay);
    expectRate('failure_burst', 2, BOOSTED.interfaceBurstsPerDay);
    expectRate('retry_storm', 2, BOOSTED.retryStormsPerDay);
    expectRate('carrier_outage', 2, BOOSTED.carrierOutagesPerDay);
  });

  it('slips ETAs and fails deliveries at their configured share of shipments', () => {
    const rates = { ...NONE, etaSlip: 0.05, failedDelivery: 0.05 };
    const long = createSimulator({ seed: 4, startTs: START, linesPerDay: 4_000, skus: 300, customers: 300, faultRates: rates });
    const out = long.advanceTo(START + 8 * DAY);
    // Decisions are taken in transit; count shipments whose outcome has surely happened (transit ≤ 4 days).
    const settled = new Set(out.filter((e) => e.type === 'shipment.status' && e.attrs.status === 'in_transit' && Date.parse(e.ts) < START + 4 * DAY).map((e) => e.shipmentId!));
    const count = (kind: string) => long.faults.filter((f) => f.kind === kind && settled.has(f.keys.shipmentIds![0])).length;
    for (const [kind, mean] of [['eta_slip', settled.size * 0.05], ['failed_delivery', settled.size * 0.95 * 0.05]] as const) {
      expect(Math.abs(count(kind) - mean), `${kind}: ${count(kind)} vs ${mean}`).toBeLessThanOrEqual(4 * Math.sqrt(mean) + 0.15 * mean);
    }
    expect(checkGroundTruth(out, long.world).mismatches.slice(0, 5)).toEqual([]);
  });

  it('keeps normal behaviour clean when every fault rate is zero', () => {
    const clean = createSimulator({ seed: 9, startTs: START, linesPerDay: 20_000, faultRates: NONE });
    const out = clean.advanceTo(START + DAY);
    expect(out.filter((e) => (e.attrs as { injected?: unknown }).injected)).toEqual([]);
    expect(clean.faults).toEqual([]);
    const report = checkGroundTruth(out, clean.world);
    expect(report.mismatches).toEqual([]);
    expect(report.signals).toEqual({});
    expect(report.unlabelledFailureShare).toBeLessThan(0.005);
  });
});
