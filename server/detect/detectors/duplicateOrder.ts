// duplicate_order: a customer sends the same PO number again, or the same set of lines
// (sku × qty), within a window — an EDI retry or an API replay. One exception per duplicate
// order, linking the original; it resolves itself when either copy is cancelled.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { signalFactory, type Detector } from '../signal.ts';

export const duplicateOrderConfig = z
  .object({
    /** Two orders of a customer further apart than this are not duplicates. */
    windowHours: z.number().positive().default(48),
    /** Compare PO numbers (same customer + PO). */
    matchPoNumber: z.boolean().default(true),
    /** Compare line sets (same customer + same sku × qty set); single-line orders need `minLinesForSignature` lines. */
    matchLineSet: z.boolean().default(true),
    minLinesForSignature: z.number().int().min(1).default(1),
    maxKeys: z.number().int().positive().default(1_000_000),
  })
  .default({ windowHours: 48, matchPoNumber: true, matchLineSet: true, minLinesForSignature: 1, maxKeys: 1_000_000 });

export type DuplicateOrderConfig = z.infer<typeof duplicateOrderConfig>;

type Seen = { orderId: string; eventId: string; ts: number };

export function createDuplicateOrderDetector(config: DuplicateOrderConfig): Detector {
  const name = 'duplicate_order';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'duplicate_order');
  const window = config.windowHours * 3_600_000;
  const seen = new ExpiringMap<string, Seen>(window, config.maxKeys);
  /** Open duplicates by either order id, so a cancellation of either copy resolves it. */
  const open = new ExpiringMap<string, string>(window * 2, config.maxKeys);
  const thresholds = { windowHours: config.windowHours };

  return {
    name,
    version,
    type: 'duplicate_order',
    onEvent(event, ts, out) {
      if (event.type === 'order.cancelled') {
        const key = open.get(event.orderId);
        if (!key) return;
        for (const [orderId, k] of open) if (k === key) open.delete(orderId);
        out.push(signal('resolve', key, ts, [event.id], { orderIds: [event.orderId], details: { reason: 'duplicate cancelled' } }));
        return;
      }
      if (event.type !== 'order.created') return;
      const a = event.attrs;
      const keys: { key: string; how: 'po' | 'lines' }[] = [];
      if (config.matchPoNumber && a.poNumber) keys.push({ key: `po|${event.customerId}|${a.poNumber}`, how: 'po' });
      if (config.matchLineSet && a.lines.length >= config.minLinesForSignature) {
        const sig = a.lines
          .map((l) => `${l.sku}:${l.qty}`)
          .sort()
          .join('|');
        keys.push({ key: `lines|${event.customerId}|${sig}`, how: 'lines' });
      }
      const matches: { how: string; original: Seen }[] = [];
      for (const { key, how } of keys) {
        const prior = seen.get(key);
        // The window is judged on the two orders' own times: replayed history arrives out of
        // order, so an entry the watermark has not swept yet can be weeks away from this one.
        if (prior && prior.orderId !== event.orderId && Math.abs(ts - prior.ts) <= window) matches.push({ how, original: prior });
        else seen.set(key, { orderId: event.orderId, eventId: event.id, ts }, ts);
      }
      if (matches.length === 0) return;
      const original = matches[0].original;
      const key = `duplicate:${event.orderId}`;
      open.set(event.orderId, key, ts);
      open.set(original.orderId, key, ts);
      out.push(
        signal('open', key, ts, [original.eventId, event.id], {
          orderIds: [event.orderId, original.orderId],
          customerId: event.customerId,
          thresholds,
          title: `Possible duplicate of order ${original.orderId}: ${event.orderId}`,
          confidence: matches.length > 1 ? 0.98 : matches[0].how === 'po' ? 0.9 : 0.8,
          details: { duplicateOf: original.orderId, matchedOn: matches.map((m) => m.how), poNumber: a.poNumber },
        }),
      );
    },
    onTime(watermark) {
      seen.sweep(watermark);
      open.sweep(watermark);
    },
    stateSizes: () => ({ recentOrders: seen.size, openDuplicates: open.size }),
  };
}
