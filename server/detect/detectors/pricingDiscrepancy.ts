// pricing_discrepancy: an order line priced off its contract price beyond tolerance, or at
// contract but with a net margin below the floor. A line off contract is judged on that alone
// (the wrong price is the root cause; its margin follows from it). One exception per order and
// cause; it resolves itself when every flagged line is re-priced within tolerance.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { extraAttr, signalFactory, type Detector } from '../signal.ts';

export const pricingDiscrepancyConfig = z
  .object({
    /** |unitPrice − contractPrice| / contractPrice above this is off contract. */
    contractTolerance: z.number().min(0).default(0.02),
    /** Net margin (unitPrice − unitCost)/unitPrice − rebatePct/100 below this is below floor. */
    marginFloor: z.number().default(0.05),
    stateTtlHours: z.number().positive().default(14 * 24),
    maxKeys: z.number().int().positive().default(200_000),
  })
  .default({ contractTolerance: 0.02, marginFloor: 0.05, stateTtlHours: 14 * 24, maxKeys: 200_000 });

export type PricingDiscrepancyConfig = z.infer<typeof pricingDiscrepancyConfig>;

type Cause = 'contract' | 'margin';
type OrderPricing = Record<Cause, Set<string>>;

export function createPricingDiscrepancyDetector(config: PricingDiscrepancyConfig): Detector {
  const name = 'pricing_discrepancy';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'pricing_discrepancy');
  const orders = new ExpiringMap<string, OrderPricing>(config.stateTtlHours * 3_600_000, config.maxKeys);
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => ({ contractTolerance: config.contractTolerance, marginFloor: config.marginFloor });

  return {
    name,
    version,
    type: 'pricing_discrepancy',
    onEvent(event, ts, out) {
      if (event.type !== 'order.priced') return;
      const a = event.attrs;
      const lineId = event.lineId ?? a.lineId ?? event.sku ?? '';
      const offContract = a.contractPrice !== undefined && a.contractPrice > 0 && Math.abs(a.unitPrice - a.contractPrice) / a.contractPrice > config.contractTolerance;
      const rebatePct = extraAttr(a, 'rebatePct');
      const rebate = typeof rebatePct === 'number' ? rebatePct / 100 : 0;
      const margin = a.unitCost !== undefined && a.unitPrice > 0 ? (a.unitPrice - a.unitCost) / a.unitPrice - rebate : undefined;
      const belowFloor = !offContract && margin !== undefined && margin < config.marginFloor;
      const state = orders.touch(event.orderId, ts);
      for (const cause of ['contract', 'margin'] as const) {
        const flagged = cause === 'contract' ? offContract : belowFloor;
        const key = `pricing:${event.orderId}:${cause}`;
        const lines = state?.[cause];
        if (flagged) {
          const st = state ?? orders.set(event.orderId, { contract: new Set(), margin: new Set() }, ts);
          const wasOpen = st[cause].size > 0;
          st[cause].add(lineId);
          const marginImpact = a.contractPrice !== undefined ? (a.contractPrice - a.unitPrice) * (event.qty ?? 1) : undefined;
          out.push(
            signal(wasOpen ? 'update' : 'open', key, ts, [event.id], {
              orderIds: [event.orderId],
              lines: [{ orderId: event.orderId, lineId }],
              customerId: event.customerId,
              sku: event.sku,
              thresholds: thresholds(),
              title: cause === 'contract' ? `Price off contract on order ${event.orderId}` : `Margin below floor on order ${event.orderId}`,
              confidence: 0.97,
              details: { cause, unitPrice: a.unitPrice, contractPrice: a.contractPrice, unitCost: a.unitCost, margin, ...(marginImpact !== undefined ? { marginImpact } : {}) },
            }),
          );
          if (!state) return;
        } else if (lines?.delete(lineId) && lines.size === 0) {
          out.push(signal('resolve', key, ts, [event.id], { orderIds: [event.orderId], thresholds: thresholds(), details: { reason: 'every flagged line re-priced' } }));
        }
      }
    },
    onTime(watermark) {
      orders.sweep(watermark);
    },
    stateSizes: () => ({ orders: orders.size }),
  };
}
