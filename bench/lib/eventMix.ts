// A realistic mix of valid events with unique ids, for benchmarks that need volume
// without the simulator's business logic.
import { EVENT_TYPES, type CtEvent } from '../../server/events/schema.ts';
import { sampleEvent } from '../../test/fixtures/events.ts';

export function eventMix(count: number, runId: string): CtEvent[] {
  const start = Date.parse('2026-11-01T00:00:00Z');
  const out: CtEvent[] = [];
  for (let i = 0; i < count; i++) {
    const e = sampleEvent(EVENT_TYPES[i % EVENT_TYPES.length], new Date(start + i * 37).toISOString()) as CtEvent & Record<string, unknown>;
    e.id = `${runId}-${i}`;
    if (e.orderId) e.orderId = `O-${Math.floor(i / 12)}`;
    if (e.sku) e.sku = `SKU-${i % 5000}`;
    out.push(e);
  }
  return out;
}
