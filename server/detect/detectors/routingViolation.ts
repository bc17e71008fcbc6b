// routing_violation: a ship-complete order leaves in more than one shipment. It is caught at
// the FIRST shipment when that shipment does not carry every unit of the order (before the
// second one exists), and at any later shipment otherwise. A split cannot undo itself, so there
// is no auto-resolution; people consolidate or waive.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { signalFactory, type Detector } from '../signal.ts';

export const routingViolationConfig = z
  .object({
    stateTtlHours: z.number().positive().default(7 * 24),
    maxKeys: z.number().int().positive().default(500_000),
  })
  .default({ stateTtlHours: 7 * 24, maxKeys: 500_000 });

export type RoutingViolationConfig = z.infer<typeof routingViolationConfig>;

type ShipComplete = { customerId: string; remaining: Map<string, number>; shipments: string[]; flagged: boolean };

export function createRoutingViolationDetector(config: RoutingViolationConfig): Detector {
  const name = 'routing_violation';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'routing_violation');
  const orders = new ExpiringMap<string, ShipComplete>(config.stateTtlHours * 3_600_000, config.maxKeys);

  return {
    name,
    version,
    type: 'routing_violation',
    onEvent(event, ts, out) {
      if (event.type === 'order.created') {
        if (event.attrs.shipComplete !== true) return;
        const remaining = new Map<string, number>();
        for (const l of event.attrs.lines) remaining.set(l.lineId, (remaining.get(l.lineId) ?? 0) + l.qty);
        orders.set(event.orderId, { customerId: event.customerId, remaining, shipments: [], flagged: false }, ts);
        return;
      }
      if (event.type === 'order.cancelled') {
        orders.delete(event.orderId);
        return;
      }
      if (event.type !== 'shipment.created') return;
      const o = orders.touch(event.orderId, ts);
      if (!o) return;
      const first = o.shipments.length === 0;
      o.shipments.push(event.shipmentId);
      for (const l of event.attrs.lines) o.remaining.set(l.lineId, (o.remaining.get(l.lineId) ?? 0) - l.qty);
      let unitsLeft = 0;
      for (const q of o.remaining.values()) if (q > 0) unitsLeft += q;
      const split = first ? unitsLeft > 0 : true;
      if (split) {
        out.push(
          signal(o.flagged ? 'update' : 'open', `routing:${event.orderId}`, ts, [event.id], {
            orderIds: [event.orderId],
            customerId: o.customerId,
            warehouse: event.warehouse,
            carrier: event.carrier,
            thresholds: {},
            title: `Ship-complete order ${event.orderId} shipped split`,
            confidence: first ? 0.9 : 0.99,
            details: { cause: 'split_shipment', shipments: [...o.shipments], unitsLeft },
          }),
        );
        o.flagged = true;
      }
      if (unitsLeft <= 0) orders.delete(event.orderId);
    },
    onTime(watermark) {
      orders.sweep(watermark);
    },
    stateSizes: () => ({ shipCompleteOrders: orders.size }),
  };
}
