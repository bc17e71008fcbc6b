// Events from the simulator (a realistic mix for the detectors), with ids unique to this run.
import type { CtEvent } from '../../server/events/schema.ts';
import { createSimulator } from '../../server/sim/simulator.ts';

export function simulatedEvents(count: number, seed: number): CtEvent[] {
  const start = Date.parse('2026-11-02T00:00:00Z');
  const sim = createSimulator({ seed, startTs: start });
  const run = Date.now().toString(36);
  const out: CtEvent[] = [];
  for (let t = start + 600_000; out.length < count; t += 600_000) out.push(...sim.advanceTo(t));
  return out.slice(0, count).map((e) => ({ ...e, id: `${run}-${e.id}` }));
}
