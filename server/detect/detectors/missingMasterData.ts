// missing_master_data: an order arrives without the master data fulfilment and invoicing need
// (ship-to, its tax jurisdiction, and — when configured — each line's unit of measure), or the
// ERP holds an order for tax. One exception per order; it resolves itself when the tax /
// compliance hold is released or the order is cancelled.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { extraAttr, signalFactory, type Detector } from '../signal.ts';

export const missingMasterDataConfig = z
  .object({
    requireShipTo: z.boolean().default(true),
    requireTaxJurisdiction: z.boolean().default(true),
    /** Many feeds omit the unit of measure and mean "each"; require it only where it is always sent. */
    requireUom: z.boolean().default(false),
    stateTtlHours: z.number().positive().default(14 * 24),
    maxKeys: z.number().int().positive().default(200_000),
  })
  .default({ requireShipTo: true, requireTaxJurisdiction: true, requireUom: false, stateTtlHours: 14 * 24, maxKeys: 200_000 });

export type MissingMasterDataConfig = z.infer<typeof missingMasterDataConfig>;

const MASTER_DATA_HOLDS = new Set(['tax', 'compliance']);

export function createMissingMasterDataDetector(config: MissingMasterDataConfig): Detector {
  const name = 'missing_master_data';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'missing_master_data');
  const open = new ExpiringMap<string, true>(config.stateTtlHours * 3_600_000, config.maxKeys);
  const thresholds = {};

  return {
    name,
    version,
    type: 'missing_master_data',
    onEvent(event, ts, out) {
      switch (event.type) {
        case 'order.created': {
          const a = event.attrs;
          const missing: string[] = [];
          if (config.requireShipTo && !a.shipTo) missing.push('shipTo');
          if (config.requireTaxJurisdiction && a.shipTo && !a.shipTo.taxJurisdiction) missing.push('shipTo.taxJurisdiction');
          if (config.requireUom) a.lines.forEach((l, i) => !l.uom && missing.push(`lines[${i}].uom`));
          if (missing.length === 0) return;
          open.set(event.orderId, true, ts);
          out.push(
            signal('open', `masterdata:${event.orderId}`, ts, [event.id], {
              orderIds: [event.orderId],
              customerId: event.customerId,
              thresholds,
              title: `Order ${event.orderId} lacks ${missing.slice(0, 3).join(', ')}`,
              confidence: 0.99,
              details: { missing },
            }),
          );
          return;
        }
        case 'order.held': {
          if (!MASTER_DATA_HOLDS.has(event.attrs.holdCode)) return;
          const first = !open.has(event.orderId);
          open.set(event.orderId, true, ts);
          out.push(
            signal(first ? 'open' : 'update', `masterdata:${event.orderId}`, ts, [event.id], {
              orderIds: [event.orderId],
              customerId: event.customerId,
              thresholds,
              title: `Order ${event.orderId} held for ${event.attrs.holdCode} master data`,
              confidence: 0.9,
              details: { holdCode: event.attrs.holdCode, reason: extraAttr(event.attrs, 'reason') },
            }),
          );
          return;
        }
        case 'order.released':
        case 'order.cancelled': {
          if (event.type === 'order.released' && !MASTER_DATA_HOLDS.has(event.attrs.holdCode)) return;
          if (!open.delete(event.orderId)) return;
          out.push(signal('resolve', `masterdata:${event.orderId}`, ts, [event.id], { orderIds: [event.orderId], details: { reason: event.type === 'order.released' ? 'hold released' : 'order cancelled' } }));
          return;
        }
        default:
      }
    },
    onTime(watermark) {
      open.sweep(watermark);
    },
    stateSizes: () => ({ orders: open.size }),
  };
}
