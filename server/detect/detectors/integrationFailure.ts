// integration_failure: an interface's failure rate or latency leaves its EWMA control limits,
// a message is retried `maxRetries` times, or a message is dead-lettered. Everything wrong with
// one interface at one time — a burst, a retry storm — is one incident linked to the orders
// whose messages failed; it resolves itself once the interface is healthy for `healthyMinutes`.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { HealthMonitor, healthConfig, healthThresholds } from '../state/healthMonitor.ts';
import { signalFactory, type Detector } from '../signal.ts';

export const integrationFailureConfig = z
  .object({
    health: healthConfig.default(healthConfig.parse({})),
    /** A message failing on its `maxRetries`-th retry is an incident on its own (a poison message). */
    maxRetries: z.number().int().min(1).default(3),
    /** Error codes that mean a message was given up on. */
    deadLetterCodes: z.array(z.string()).default(['DEAD_LETTER', 'DLQ']),
    stateTtlHours: z.number().positive().default(7 * 24),
    maxKeys: z.number().int().positive().default(10_000),
  })
  .default({ health: healthConfig.parse({}), maxRetries: 3, deadLetterCodes: ['DEAD_LETTER', 'DLQ'], stateTtlHours: 7 * 24, maxKeys: 10_000 });

export type IntegrationFailureConfig = z.infer<typeof integrationFailureConfig>;

type InterfaceState = { monitor: HealthMonitor; open: boolean };

export function createIntegrationFailureDetector(config: IntegrationFailureConfig): Detector {
  const name = 'integration_failure';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'integration_failure');
  const interfaces = new ExpiringMap<string, InterfaceState>(config.stateTtlHours * 3_600_000, config.maxKeys);
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => ({ ...healthThresholds(config.health), maxRetries: config.maxRetries });
  const deadLetter = { has: (code: string) => config.deadLetterCodes.includes(code) };

  return {
    name,
    version,
    type: 'integration_failure',
    onEvent(event, ts, out) {
      if (event.type !== 'integration.message') return;
      const st = interfaces.touch(event.interface, ts) ?? interfaces.set(event.interface, { monitor: new HealthMonitor(config.health), open: false }, ts);
      const a = event.attrs;
      const verdict = st.monitor.record(ts, a.ok, a.latencyMs, st.open, { id: event.id, orderId: event.orderId });
      const poison = !a.ok && ((a.retry ?? 0) >= config.maxRetries || (a.errorCode !== undefined && deadLetter.has(a.errorCode)));
      if (!verdict.breach && !poison && !(st.open && !a.ok)) return;
      const trigger = verdict.breach ? verdict.reason : poison ? (a.errorCode && deadLetter.has(a.errorCode) ? 'dead_letter' : 'retries') : undefined;
      // Opening links the failures that led up to it; later, each failure adds itself.
      const failed = st.open ? (a.ok ? [] : [{ id: event.id, orderId: event.orderId }]) : st.monitor.recentFailures();
      out.push(
        signal(st.open ? 'update' : 'open', `interface:${event.interface}`, ts, st.open ? [event.id] : [...new Set([...failed.map((f) => f.id), event.id])], {
          interface: event.interface,
          orderIds: [...new Set(failed.flatMap((f) => (f.orderId ? [f.orderId] : [])))],
          thresholds: thresholds(),
          title: `Interface ${event.interface} failing`,
          confidence: trigger === 'latency' ? 0.8 : 0.95,
          details: { ...(trigger ? { trigger } : {}), ...(verdict.breach ? verdict.figures : {}), baseline: st.monitor.baseline, errorCode: a.errorCode, retry: a.retry },
        }),
      );
      st.open = true;
    },
    onTime(watermark, out) {
      for (const [iface, st] of interfaces) {
        if (st.open && st.monitor.healthyAt(watermark)) {
          st.open = false;
          out.push(signal('resolve', `interface:${iface}`, watermark, [], { interface: iface, thresholds: thresholds(), details: { reason: `healthy for ${config.health.healthyMinutes} min` } }));
        }
      }
      interfaces.sweep(watermark);
    },
    stateSizes: () => ({ interfaces: interfaces.size }),
  };
}
