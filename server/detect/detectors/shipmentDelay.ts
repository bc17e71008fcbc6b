// shipment_delay: the promised ship date passes with no shipment (fired from the event-time
// watermark, so tests and historical imports judge time by event time, never by today), or a
// carrier reports an ETA past the promised delivery date. One exception per order; a missed
// ship promise resolves itself when the order ships, a late ETA when the shipment is delivered.
import { z } from 'zod';
import { Deadlines } from '../state/deadlines.ts';
import { ExpiringMap } from '../state/expiringMap.ts';
import { parseDeadline, signalFactory, type Detector } from '../signal.ts';

export const shipmentDelayConfig = z
  .object({
    /** Minutes past the promised ship date before an unshipped order is late. */
    graceMinutes: z.number().min(0).default(0),
    /** An ETA must be later than the promised delivery date by more than this. */
    etaToleranceMinutes: z.number().min(0).default(0),
    /** An order not heard of for this long is no longer watched (shipped orders are dropped at once). */
    stateTtlHours: z.number().positive().default(7 * 24),
    maxKeys: z.number().int().positive().default(500_000),
  })
  .default({ graceMinutes: 0, etaToleranceMinutes: 0, stateTtlHours: 7 * 24, maxKeys: 500_000 });

export type ShipmentDelayConfig = z.infer<typeof shipmentDelayConfig>;

type Watch = {
  createdId: string;
  customerId: string;
  promisedShip?: number;
  shipped: boolean;
  cancelled: boolean;
  /** Why an exception is open for this order now, if one is. */
  open?: 'unshipped' | 'eta';
  lateShipments: Set<string>;
};

export function createShipmentDelayDetector(config: ShipmentDelayConfig): Detector {
  const name = 'shipment_delay';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'shipment_delay');
  const orders = new ExpiringMap<string, Watch>(config.stateTtlHours * 3_600_000, config.maxKeys);
  const due = new Deadlines<string>();
  // The grace is captured: scheduled deadlines are matched against it (line `promisedShip + grace !== at`),
  // so a change applies at the next restart (configVersion.ts). The ETA tolerance is read on every use.
  const grace = config.graceMinutes * 60_000;
  const thresholds = () => ({ graceMinutes: grace / 60_000, etaToleranceMinutes: config.etaToleranceMinutes });

  return {
    name,
    version,
    type: 'shipment_delay',
    onEvent(event, ts, out) {
      switch (event.type) {
        case 'order.created': {
          const promisedShip = parseDeadline(event.attrs.promisedShipDate);
          orders.set(event.orderId, { createdId: event.id, customerId: event.customerId, promisedShip, shipped: false, cancelled: false, lateShipments: new Set() }, ts);
          if (promisedShip !== undefined) due.add(promisedShip + grace, event.orderId);
          return;
        }
        case 'order.cancelled': {
          const w = orders.get(event.orderId);
          if (!w) return;
          w.cancelled = true;
          if (w.open) out.push(signal('resolve', `delay:${event.orderId}`, ts, [event.id], { orderIds: [event.orderId], details: { reason: 'order cancelled' } }));
          orders.delete(event.orderId);
          return;
        }
        case 'shipment.created': {
          const w = orders.touch(event.orderId, ts);
          if (!w || w.shipped) return;
          w.shipped = true;
          if (w.open === 'unshipped') {
            w.open = undefined;
            out.push(signal('resolve', `delay:${event.orderId}`, ts, [event.id], { orderIds: [event.orderId], details: { reason: 'order shipped', shipmentId: event.shipmentId } }));
          }
          // Shipped: only a late ETA can matter now, and status events carry their own dates.
          if (w.lateShipments.size === 0) orders.delete(event.orderId);
          return;
        }
        case 'shipment.status': {
          const orderId = event.orderId;
          if (!orderId) return;
          const w = orders.touch(orderId, ts);
          const a = event.attrs;
          const eta = parseDeadline(a.eta);
          const promised = parseDeadline(a.promisedDate);
          const shipmentId = event.shipmentId;
          if (a.status === 'delivered') {
            if (w?.lateShipments.delete(shipmentId) && w.lateShipments.size === 0) {
              if (w.open === 'eta') out.push(signal('resolve', `delay:${orderId}`, ts, [event.id], { orderIds: [orderId], details: { reason: 'shipment delivered' } }));
              if (w.shipped) orders.delete(orderId);
              else w.open = undefined;
            }
            return;
          }
          if (eta === undefined || promised === undefined || eta <= promised + config.etaToleranceMinutes * 60_000) return;
          const watch = w ?? orders.set(orderId, { createdId: '', customerId: event.customerId ?? '', shipped: true, cancelled: false, lateShipments: new Set() }, ts);
          const first = watch.open === undefined;
          watch.lateShipments.add(shipmentId);
          watch.open = 'eta';
          out.push(
            signal(first ? 'open' : 'update', `delay:${orderId}`, ts, [event.id], {
              orderIds: [orderId],
              customerId: event.customerId,
              carrier: event.carrier,
              slaDueAt: promised,
              thresholds: thresholds(),
              title: `ETA past the promised date for order ${orderId}`,
              confidence: a.status === 'delayed' ? 0.95 : 0.85,
              details: { cause: 'eta_past_promise', shipmentId, eta: a.eta, promisedDate: a.promisedDate, reason: a.reason },
            }),
          );
          return;
        }
        default:
      }
    },
    onTime(watermark, out) {
      for (const { at, key: orderId } of due.popDue(watermark)) {
        const w = orders.get(orderId);
        if (!w || w.shipped || w.cancelled || w.open || w.promisedShip === undefined || w.promisedShip + grace !== at) continue;
        w.open = 'unshipped';
        out.push(
          signal('open', `delay:${orderId}`, at, [w.createdId], {
            orderIds: [orderId],
            customerId: w.customerId,
            slaDueAt: w.promisedShip,
            thresholds: thresholds(),
            title: `Promised ship date passed without shipment: order ${orderId}`,
            confidence: 0.95,
            details: { cause: 'unshipped_past_promise', promisedShipDate: new Date(w.promisedShip).toISOString() },
          }),
        );
      }
      orders.sweep(watermark);
    },
    stateSizes: () => ({ orders: orders.size, deadlines: due.size }),
  };
}
