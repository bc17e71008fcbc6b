// carrier_failure: a carrier API's error rate or latency leaves its EWMA control limits (an
// outage is one incident per carrier, linked to every order whose calls failed), or a
// delivery attempt fails (one exception per shipment). An outage resolves itself once the API
// is healthy for `healthyMinutes`; a failed delivery when the shipment is delivered.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { HealthMonitor, healthConfig, healthThresholds } from '../state/healthMonitor.ts';
import { signalFactory, type Detector } from '../signal.ts';

export const carrierFailureConfig = z
  .object({
    api: healthConfig.default(healthConfig.parse({})),
    stateTtlHours: z.number().positive().default(7 * 24),
    maxKeys: z.number().int().positive().default(100_000),
  })
  .default({ api: healthConfig.parse({}), stateTtlHours: 7 * 24, maxKeys: 100_000 });

export type CarrierFailureConfig = z.infer<typeof carrierFailureConfig>;

type CarrierState = { monitor: HealthMonitor; open: boolean };

export function createCarrierFailureDetector(config: CarrierFailureConfig): Detector {
  const name = 'carrier_failure';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'carrier_failure');
  const ttl = config.stateTtlHours * 3_600_000;
  const carriers = new ExpiringMap<string, CarrierState>(ttl, config.maxKeys);
  const failedDeliveries = new ExpiringMap<string, string>(ttl, config.maxKeys);
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => healthThresholds(config.api);

  return {
    name,
    version,
    type: 'carrier_failure',
    onEvent(event, ts, out) {
      if (event.type === 'carrier.api_call') {
        const st = carriers.touch(event.carrier, ts) ?? carriers.set(event.carrier, { monitor: new HealthMonitor(config.api), open: false }, ts);
        const a = event.attrs;
        const verdict = st.monitor.record(ts, a.ok, a.latencyMs, st.open, { id: event.id, orderId: event.orderId });
        const key = `carrier:${event.carrier}`;
        if (verdict.breach || (st.open && !a.ok)) {
          // Opening links the failures that led up to the breach; later, each failure adds itself.
          const failed = st.open ? (a.ok ? [] : [{ id: event.id, orderId: event.orderId }]) : st.monitor.recentFailures();
          out.push(
            signal(st.open ? 'update' : 'open', key, ts, st.open ? [event.id] : [...new Set([...failed.map((f) => f.id), event.id])], {
              carrier: event.carrier,
              orderIds: [...new Set(failed.flatMap((f) => (f.orderId ? [f.orderId] : [])))],
              thresholds: thresholds(),
              title: `Carrier ${event.carrier} API failing`,
              confidence: verdict.breach && verdict.reason === 'latency' ? 0.8 : 0.95,
              details: { cause: 'api_errors', ...(verdict.breach ? { trigger: verdict.reason, ...verdict.figures } : {}), baseline: st.monitor.baseline, errorCode: a.errorCode },
            }),
          );
          st.open = true;
        }
        return;
      }
      if (event.type !== 'shipment.status' || !event.carrier) return;
      const key = `delivery:${event.shipmentId}`;
      if (event.attrs.status === 'failed_delivery') {
        const first = !failedDeliveries.has(event.shipmentId);
        failedDeliveries.set(event.shipmentId, event.carrier, ts);
        out.push(
          signal(first ? 'open' : 'update', key, ts, [event.id], {
            carrier: event.carrier,
            orderIds: event.orderId ? [event.orderId] : [],
            customerId: event.customerId,
            slaDueAt: event.attrs.promisedDate ? Date.parse(event.attrs.promisedDate) : undefined,
            thresholds: {},
            title: `Failed delivery: shipment ${event.shipmentId} (${event.carrier})`,
            confidence: 0.99,
            details: { cause: 'failed_delivery', shipmentId: event.shipmentId, reason: event.attrs.reason },
          }),
        );
      } else if (event.attrs.status === 'delivered' && failedDeliveries.delete(event.shipmentId)) {
        out.push(signal('resolve', key, ts, [event.id], { carrier: event.carrier, details: { reason: 'shipment delivered' } }));
      }
    },
    onTime(watermark, out) {
      for (const [code, st] of carriers) {
        if (st.open && st.monitor.healthyAt(watermark)) {
          st.open = false;
          out.push(signal('resolve', `carrier:${code}`, watermark, [], { carrier: code, thresholds: thresholds(), details: { reason: `healthy for ${config.api.healthyMinutes} min` } }));
        }
      }
      carriers.sweep(watermark);
      failedDeliveries.sweep(watermark);
    },
    stateSizes: () => ({ carriers: carriers.size, failedDeliveries: failedDeliveries.size }),
  };
}
