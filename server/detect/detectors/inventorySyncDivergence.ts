// inventory_sync_divergence: the ERP and the WMS disagree about a sku × warehouse beyond
// tolerance. Snapshots of the two systems are paired (each taken within `pairWindowMinutes`
// of the other); the gap ERP − WMS is compared with the gap this pair usually has (an EWMA of
// in-tolerance gaps, so a systematic offset such as stock in a receiving dock counted by one
// system only is learned rather than alarmed on). It resolves itself when a pair agrees again.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { signalFactory, type Detector } from '../signal.ts';

export const inventorySyncDivergenceConfig = z
  .object({
    /** Divergence must exceed this many units … */
    absTolerance: z.number().min(0).default(5),
    /** … and this share of the larger on-hand figure. */
    relTolerance: z.number().min(0).max(1).default(0.05),
    /** ERP and WMS snapshots further apart than this are not compared. */
    pairWindowMinutes: z.number().positive().default(30),
    /** Weight of a new in-tolerance gap in the learned offset. */
    offsetAlpha: z.number().min(0).max(1).default(0.1),
    /** A pair with no snapshot for this long is forgotten. */
    stateTtlHours: z.number().positive().default(48),
    maxKeys: z.number().int().positive().default(500_000),
  })
  .default({ absTolerance: 5, relTolerance: 0.05, pairWindowMinutes: 30, offsetAlpha: 0.1, stateTtlHours: 48, maxKeys: 500_000 });

export type InventorySyncDivergenceConfig = z.infer<typeof inventorySyncDivergenceConfig>;

type Snap = { ts: number; onHand: number; id: string };
type Pair = { erp?: Snap; wms?: Snap; offset: number; diverged: boolean };

export function createInventorySyncDivergenceDetector(config: InventorySyncDivergenceConfig): Detector {
  const name = 'inventory_sync_divergence';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'inventory_sync_divergence');
  const pairs = new ExpiringMap<string, Pair>(config.stateTtlHours * 3_600_000, config.maxKeys);
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => ({ absTolerance: config.absTolerance, relTolerance: config.relTolerance, pairWindowMinutes: config.pairWindowMinutes });

  return {
    name,
    version,
    type: 'inventory_sync_divergence',
    onEvent(event, ts, out) {
      if (event.type !== 'inventory.snapshot') return;
      const key = `inventory:${event.sku}@${event.warehouse}`;
      const pair = pairs.touch(key, ts) ?? pairs.set(key, { offset: 0, diverged: false }, ts);
      const snap = { ts, onHand: event.attrs.onHand, id: event.id };
      if (event.attrs.system === 'erp') pair.erp = snap;
      else pair.wms = snap;
      const { erp, wms } = pair;
      if (!erp || !wms || Math.abs(erp.ts - wms.ts) > config.pairWindowMinutes * 60_000) return;
      const gap = erp.onHand - wms.onHand - pair.offset;
      const tolerance = Math.max(config.absTolerance, config.relTolerance * Math.max(Math.abs(erp.onHand), Math.abs(wms.onHand)));
      const facts = { sku: event.sku, warehouse: event.warehouse, thresholds: thresholds() };
      const details = { erpOnHand: erp.onHand, wmsOnHand: wms.onHand, gap: erp.onHand - wms.onHand, learnedOffset: pair.offset, tolerance };
      if (Math.abs(gap) > tolerance) {
        out.push(
          signal(pair.diverged ? 'update' : 'open', key, ts, [erp.id, wms.id], {
            ...facts,
            title: `ERP and WMS disagree on ${event.sku} at ${event.warehouse}`,
            confidence: Math.min(0.99, 0.7 + 0.3 * Math.min(1, Math.abs(gap) / (4 * tolerance))),
            details,
          }),
        );
        pair.diverged = true;
      } else {
        pair.offset += config.offsetAlpha * (erp.onHand - wms.onHand - pair.offset);
        if (pair.diverged) out.push(signal('resolve', key, ts, [erp.id, wms.id], { ...facts, details: { ...details, reason: 'ERP and WMS agree again' } }));
        pair.diverged = false;
      }
      // Each snapshot is compared once: the next pair needs two fresh ones.
      pair.erp = pair.wms = undefined;
    },
    onTime(watermark) {
      pairs.sweep(watermark);
    },
    stateSizes: () => ({ skuWarehouses: pairs.size }),
  };
}
