import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../server/events/schema.ts';
import { createSimulator } from '../../server/sim/simulator.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const HOUR = 3_600_000;

describe('simulator generation', () => {
  it('produces identical events and ids for the same seed, however the window is stepped', () => {
    const a = createSimulator({ seed: 11, startTs: START, linesPerDay: 20_000 });
    const b = createSimulator({ seed: 11, startTs: START, linesPerDay: 20_000 });
    const whole = a.advanceTo(START + 4 * HOUR);
    const stepped = [];
    for (let t = START; t < START + 4 * HOUR; ) {
      t += 7 * 60_000 + 123;
      stepped.push(...b.advanceTo(Math.min(t, START + 4 * HOUR)));
    }
    expect(whole.length).toBeGreaterThan(5000);
    expect(stepped).toEqual(whole);
    expect(b.faults).toEqual(a.faults);
    expect(new Set(whole.map((e) => e.id)).size).toBe(whole.length);
  });

  it('produces a different business for a different seed', () => {
    const a = createSimulator({ seed: 1, startTs: START, linesPerDay: 5_000 }).advanceTo(START + HOUR);
    const b = createSimulator({ seed: 2, startTs: START, linesPerDay: 5_000 }).advanceTo(START + HOUR);
    expect(a.filter((e) => e.type === 'order.created').map((e) => e.customerId)).not.toEqual(b.filter((e) => e.type === 'order.created').map((e) => e.customerId));
  });

  it('emits only events that pass validateEvent, in event-time order', () => {
    const sim = createSimulator({ seed: 5, startTs: START, linesPerDay: 30_000, faultRates: { backorder: 0.05, creditHold: 0.05, etaSlip: 0.05, failedDelivery: 0.05, missingTaxJurisdiction: 0.05, interfaceBurstsPerDay: 20, retryStormsPerDay: 10, carrierOutagesPerDay: 10 } });
    const events = sim.advanceTo(START + 8 * HOUR);
    const errors = events.map((e) => validateEvent(e)).filter((r) => !r.ok);
    expect(errors.slice(0, 3)).toEqual([]);
    for (let i = 1; i < events.length; i++) expect(events[i].ts >= events[i - 1].ts).toBe(true);
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(15);
  });

  it('runs the reference volume of 80,000 order lines a day on a business-hours curve', () => {
    const sim = createSimulator({ seed: 7, startTs: START });
    const created = sim.advanceTo(START + 24 * HOUR).filter((e) => e.type === 'order.created');
    const lines = created.reduce((s, e) => s + (e.type === 'order.created' ? e.attrs.lines.length : 0), 0);
    expect(lines).toBeGreaterThan(80_000 * 0.93);
    expect(lines).toBeLessThan(80_000 * 1.07);
    const perHour = new Array(24).fill(0);
    for (const e of created) perHour[new Date(e.ts).getUTCHours()]++;
    const peak = Math.max(...perHour.slice(9, 16));
    const night = Math.min(...perHour.slice(1, 4));
    expect(peak / night).toBeGreaterThan(5);
    expect(perHour.slice(8, 18).reduce((a, b) => a + b, 0) / created.length).toBeGreaterThan(0.55);
  });

  it('rejects a bad config naming the key', () => {
    expect(() => createSimulator({ seed: 1, startTs: START, linesPerDay: 10 })).toThrow(/linesPerDay/);
    expect(() => createSimulator({ seed: 1, startTs: START, faultRates: { backorders: 0.1 } })).toThrow(/faultRates\.backorders/);
    expect(() => createSimulator({ seed: 1 })).toThrow(/startTs/);
    expect(() => createSimulator({ seed: 1, startTs: START, warehouses: 9 })).toThrow(/warehouses/);
  });
});
