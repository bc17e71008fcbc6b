// order_anomaly: an order line whose quantity (or value) is far outside what this customer
// usually orders — robust z-score (median/MAD) against the customer × sku history when it is
// long enough, else against the customer's lines overall. Thresholds cannot be known per
// customer by rule, hence statistics. No auto-resolution: a person confirms with the customer.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { RecentValues, robustZ } from '../state/robust.ts';
import { signalFactory, type DetectEvent, type Detector } from '../signal.ts';

export const orderAnomalyConfig = z
  .object({
    /** |robust z| above this is an anomaly. */
    zThreshold: z.number().positive().default(8),
    /** History needed before a customer (or customer × sku) is judged. */
    minSamples: z.number().int().min(3).default(12),
    /** Lines kept per customer. */
    historySize: z.number().int().min(10).default(200),
    /** Lines kept per customer × sku (many pairs, so short). */
    skuHistorySize: z.number().int().min(5).default(24),
    /** The MAD is floored at this share of the median (a very regular customer) … */
    minMadShare: z.number().min(0).default(0.1),
    /** … and at this many units of quantity (quantities are whole numbers). */
    minMadUnits: z.number().min(0).default(1),
    /** A customer with too little history is judged against all lines of its tier, once that has this many. */
    minPopulationSamples: z.number().int().min(10).default(100),
    /** Judge line value (qty × unit price) too, per customer × sku. */
    judgeValue: z.boolean().default(true),
    stateTtlHours: z.number().positive().default(90 * 24),
    maxCustomers: z.number().int().positive().default(100_000),
    /** Customer × sku histories kept (least recently ordered dropped first). A pair that does not
     *  recur often enough to stay among these seldom collects `minSamples` lines anyway; it is
     *  judged against the customer's own baseline instead. Bounds memory (~0.5 KB a pair): with
     *  200,000 the state still grew by 11,000 pairs a day after a simulated week; at 20,000 it is
     *  flat from day 4 with the same precision and recall (`npm run eval:detection`). */
    maxCustomerSkus: z.number().int().positive().default(20_000),
  })
  .default({ zThreshold: 8, minSamples: 12, historySize: 200, skuHistorySize: 24, minMadShare: 0.1, minMadUnits: 1, minPopulationSamples: 100, judgeValue: true, stateTtlHours: 90 * 24, maxCustomers: 100_000, maxCustomerSkus: 20_000 });

export type OrderAnomalyConfig = z.infer<typeof orderAnomalyConfig>;

type History = { qty: RecentValues; value: RecentValues };

export function createOrderAnomalyDetector(config: OrderAnomalyConfig): Detector {
  const name = 'order_anomaly';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'order_anomaly');
  const ttl = config.stateTtlHours * 3_600_000;
  const byCustomer = new ExpiringMap<string, History>(ttl, config.maxCustomers);
  const byCustomerSku = new ExpiringMap<string, History>(ttl, config.maxCustomerSkus);
  /** Line quantities of every customer of a tier (cold start of a new customer). */
  const byTier = new Map<string, RecentValues>();
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => ({ zThreshold: config.zThreshold, minSamples: config.minSamples, minMadShare: config.minMadShare, minMadUnits: config.minMadUnits });
  const newHistory = (size: number): History => ({ qty: new RecentValues(size), value: new RecentValues(size) });

  function judge(event: Extract<DetectEvent, { type: 'order.created' }>, ts: number) {
    const customer = byCustomer.touch(event.customerId, ts) ?? byCustomer.set(event.customerId, newHistory(config.historySize), ts);
    const tierKey = event.attrs.customerTier ?? 'all';
    let population = byTier.get(tierKey);
    if (!population) byTier.set(tierKey, (population = new RecentValues(1000)));
    const customerBase =
      customer.qty.size >= config.minSamples
        ? customer.qty.baseline()
        : population.size >= config.minPopulationSamples
          ? { ...population.baseline(), population: true }
          : undefined;
    const findings: { lineId: string; sku: string; measure: string; value: number; median: number; z: number; basis: string }[] = [];
    for (const line of event.attrs.lines) {
      const key = `${event.customerId}|${line.sku}`;
      const hist = byCustomerSku.touch(key, ts) ?? byCustomerSku.set(key, newHistory(config.skuHistorySize), ts);
      const skuBase = hist.qty.size >= config.minSamples ? hist.qty.baseline() : undefined;
      const base = skuBase ?? customerBase;
      if (base) {
        const z = robustZ(line.qty, base, config.minMadShare, config.minMadUnits);
        const basis = skuBase ? 'customer×sku' : 'population' in base ? `tier ${tierKey}` : 'customer';
        if (Math.abs(z) > config.zThreshold) findings.push({ lineId: line.lineId, sku: line.sku, measure: 'qty', value: line.qty, median: base.median, z, basis });
      }
      const value = line.unitPrice !== undefined ? line.qty * line.unitPrice : undefined;
      if (config.judgeValue && value !== undefined && hist.value.size >= config.minSamples && !findings.some((f) => f.lineId === line.lineId)) {
        const vBase = hist.value.baseline();
        const z = robustZ(value, vBase, config.minMadShare);
        if (Math.abs(z) > config.zThreshold) findings.push({ lineId: line.lineId, sku: line.sku, measure: 'value', value, median: vBase.median, z, basis: 'customer×sku' });
      }
    }
    // Learn after judging, so the order is compared with the history before it.
    for (const line of event.attrs.lines) {
      const hist = byCustomerSku.get(`${event.customerId}|${line.sku}`);
      hist?.qty.push(line.qty);
      if (line.unitPrice !== undefined) hist?.value.push(line.qty * line.unitPrice);
      customer.qty.push(line.qty);
      population.push(line.qty);
    }
    return findings;
  }

  return {
    name,
    version,
    type: 'order_anomaly',
    onEvent(event, ts, out) {
      if (event.type !== 'order.created') return;
      const findings = judge(event, ts);
      if (findings.length === 0) return;
      const worst = findings.reduce((a, b) => (Math.abs(b.z) > Math.abs(a.z) ? b : a));
      out.push(
        signal('open', `anomaly:${event.orderId}`, ts, [event.id], {
          orderIds: [event.orderId],
          customerId: event.customerId,
          sku: worst.sku,
          lines: findings.map((f) => ({ orderId: event.orderId, lineId: f.lineId })),
          thresholds: thresholds(),
          title: `Unusual ${worst.measure} on order ${event.orderId}: ${worst.value} vs typical ${worst.median}`,
          confidence: Math.min(0.99, 0.6 + Math.abs(worst.z) / 100),
          details: { findings },
        }),
      );
    },
    onTime(watermark) {
      byCustomer.sweep(watermark);
      byCustomerSku.sweep(watermark);
    },
    stateSizes: () => ({ customers: byCustomer.size, customerSkus: byCustomerSku.size, tiers: byTier.size }),
  };
}
