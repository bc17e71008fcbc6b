// backorder: an allocation leaves quantity backordered, or a pick comes up short after the ERP
// confirmed stock. One stock-out at a sku × warehouse is one exception linking every waiting
// order; it resolves itself once nothing waits there any more (replenished and re-allocated,
// or the waiting orders cancelled).
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { signalFactory, type DetectEvent, type Detector, type Signal } from '../signal.ts';

export const backorderConfig = z
  .object({
    /** Backordered units below this are ignored (1 = any backorder counts). */
    minQty: z.number().min(0).default(1),
    /** A stock-out nobody touches for this long is forgotten (its exception stays for people). */
    stateTtlHours: z.number().positive().default(14 * 24),
    maxKeys: z.number().int().positive().default(200_000),
  })
  .default({ minQty: 1, stateTtlHours: 14 * 24, maxKeys: 200_000 });

export type BackorderConfig = z.infer<typeof backorderConfig>;

/** Waiting units per `orderId:lineId` at one sku × warehouse. */
type Episode = { waiting: Map<string, number> };

export function createBackorderDetector(config: BackorderConfig): Detector {
  const name = 'backorder';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'backorder');
  const episodes = new ExpiringMap<string, Episode>(config.stateTtlHours * 3_600_000, config.maxKeys);
  const waitingTotal = (ep: Episode) => {
    let sum = 0;
    for (const q of ep.waiting.values()) sum += q;
    return sum;
  };

  function adjust(event: Extract<DetectEvent, { sku: string; warehouse: string }>, ts: number, lineKey: string, orderId: string, delta: number, set: boolean, out: Signal[]): void {
    const key = `backorder:${event.sku}@${event.warehouse}`;
    let ep = episodes.touch(key, ts);
    if (!ep) {
      if (!set || delta < config.minQty) return;
      ep = episodes.set(key, { waiting: new Map() }, ts);
    }
    const before = ep.waiting.get(lineKey);
    const opened = ep.waiting.size > 0;
    const next = set && before === undefined ? delta : Math.max(0, (before ?? 0) + delta);
    if (next >= config.minQty) ep.waiting.set(lineKey, next);
    else ep.waiting.delete(lineKey);
    const facts = { sku: event.sku, warehouse: event.warehouse, thresholds: { minQty: config.minQty } };
    if (ep.waiting.size > 0) {
      if (next >= config.minQty && (before === undefined || next > before)) {
        const lineId = lineKey.slice(orderId.length + 1);
        out.push(
          signal(opened ? 'update' : 'open', key, ts, [event.id], {
            ...facts,
            orderIds: [orderId],
            customerId: event.customerId,
            lines: [{ orderId, lineId }],
            title: `Backorder: ${event.sku} at ${event.warehouse}`,
            confidence: 0.95,
            details: { waitingQty: waitingTotal(ep), waitingLines: ep.waiting.size },
          }),
        );
      }
    } else if (opened) {
      episodes.delete(key);
      out.push(signal('resolve', key, ts, [event.id], { ...facts, details: { reason: 'nothing waits for stock any more' } }));
    }
  }

  return {
    name,
    version,
    type: 'backorder',
    onEvent(event, ts, out) {
      switch (event.type) {
        case 'inventory.allocated': {
          const { qtyAllocated, qtyBackordered } = event.attrs;
          const orderId = event.orderId;
          const lineKey = `${orderId}:${event.lineId ?? event.sku}`;
          const key = `backorder:${event.sku}@${event.warehouse}`;
          const ep = episodes.get(key);
          // A line already waiting gets stock (re-allocation); a new line may start waiting.
          if (ep?.waiting.has(lineKey)) adjust(event, ts, lineKey, orderId, -qtyAllocated, false, out);
          else if (qtyBackordered > 0) adjust(event, ts, lineKey, orderId, qtyBackordered, true, out);
          return;
        }
        case 'pick.short': {
          const lineKey = `${event.orderId}:${event.lineId ?? event.sku}`;
          if (event.attrs.qtyShort > 0) adjust(event, ts, lineKey, event.orderId, event.attrs.qtyShort, true, out);
          return;
        }
        case 'order.cancelled': {
          // The cancelled order's lines stop waiting wherever they wait.
          for (const [key, ep] of episodes) {
            for (const lineKey of ep.waiting.keys()) {
              if (!lineKey.startsWith(`${event.orderId}:`)) continue;
              ep.waiting.delete(lineKey);
              if (ep.waiting.size === 0) {
                episodes.delete(key);
                out.push(signal('resolve', key, ts, [event.id], { details: { reason: 'waiting orders cancelled' } }));
              }
            }
          }
          return;
        }
        default:
      }
    },
    onTime(watermark) {
      episodes.sweep(watermark);
    },
    stateSizes: () => ({ stockouts: episodes.size }),
  };
}
