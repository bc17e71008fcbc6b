import { describe, expect, it } from 'vitest';
import type { ActionCommand } from '../../server/contracts/actionCommand.ts';
import type { CtEvent } from '../../server/events/schema.ts';
import { validateEvent } from '../../server/events/schema.ts';
import { faultRatesSchema } from '../../server/sim/config.ts';
import { createSimulator, type Simulator } from '../../server/sim/simulator.ts';

const START = Date.parse('2025-03-03T08:00:00Z');
const HOUR = 3_600_000;
const NONE = Object.fromEntries(Object.keys(faultRatesSchema.shape).map((k) => [k, 0]));

function simWith(rates: Record<string, number>): { sim: Simulator; events: CtEvent[] } {
  const sim = createSimulator({ seed: 21, startTs: START, linesPerDay: 20_000, skus: 300, faultRates: { ...NONE, ...rates } });
  return { sim, events: sim.advanceTo(START + HOUR) };
}

const command = (c: Partial<ActionCommand> & Pick<ActionCommand, 'kind'>): ActionCommand => ({ idempotencyKey: `k-${c.kind}-${c.orderId ?? c.sku ?? c.carrier}`, exceptionId: 'exc-1', ...c });

describe('simulated ERP answering tower actions', () => {
  it('releases a credit hold once, and the order goes on to allocation', () => {
    const { sim, events } = simWith({ creditHold: 0.05 });
    const held = events.find((e) => e.type === 'order.held' && e.attrs.holdCode === 'credit')!;
    const now = Date.parse(held.ts) + 60_000;
    const cmd = command({ kind: 'release_hold', orderId: held.orderId });
    const first = sim.respond(cmd, now);
    expect(first[0].type).toBe('order.released');
    expect(first.slice(1).every((e) => e.type === 'inventory.allocated' && e.orderId === held.orderId)).toBe(true);
    expect(first[0]).toMatchObject({ orderId: held.orderId, attrs: { holdCode: 'credit', exceptionId: 'exc-1', actionKind: 'release_hold' } });
    expect(first.every((e) => validateEvent(e).ok)).toBe(true);
    expect(sim.respond(cmd, now + 5000)).toEqual(first);
    expect(sim.respond({ ...cmd, idempotencyKey: 'another' }, now)).toEqual([]);
    const later = sim.advanceTo(START + 12 * HOUR).filter((e) => e.orderId === held.orderId);
    expect(later.filter((e) => e.type === 'order.released')).toHaveLength(0);
    expect(later.some((e) => e.type === 'pick.completed')).toBe(true);
  });

  it('rejects a reused idempotency key with a different command, and unknown orders', () => {
    const { sim, events } = simWith({});
    const order = events.find((e) => e.type === 'order.created')!;
    sim.respond(command({ kind: 'hold_order', orderId: order.orderId, idempotencyKey: 'same' }), START + HOUR);
    expect(() => sim.respond(command({ kind: 'release_hold', orderId: order.orderId, idempotencyKey: 'same' }), START + HOUR)).toThrow(/idempotencyKey/);
    expect(() => sim.respond(command({ kind: 'release_hold', orderId: 'SO-nope' }), START + HOUR)).toThrow(/unknown order 'SO-nope'/);
    expect(() => sim.respond(command({ kind: 'reroute' }), START + HOUR)).toThrow(/carrier: required/);
  });

  it('cancels a suppressed duplicate so nothing more happens to it', () => {
    const { sim, events } = simWith({ ediRetryDuplicate: 0.3, apiReplayDuplicate: 0.3 });
    const dup = events.find((e) => e.type === 'order.created' && (e.attrs as { injected?: { type: string } }).injected?.type === 'duplicate_order')!;
    const out = sim.respond(command({ kind: 'suppress_duplicate', orderId: dup.orderId }), Date.parse(dup.ts) + 1000);
    expect(out.map((e) => e.type)).toEqual(['order.cancelled']);
    const later = sim.advanceTo(START + 30 * HOUR).filter((e) => e.orderId === dup.orderId);
    expect(later.filter((e) => e.type === 'pick.completed' || e.type === 'shipment.created')).toEqual([]);
  });

  it('resyncs a stale inventory record so ERP and WMS agree again', () => {
    const { sim, events } = simWith({ inventorySyncPerDay: 200 });
    const snap = events.find((e) => e.type === 'inventory.snapshot' && (e.attrs as { injected?: unknown }).injected)!;
    const out = sim.respond(command({ kind: 'resync_inventory', sku: snap.sku, warehouse: snap.warehouse }), START + HOUR);
    expect(out.map((e) => e.type)).toEqual(['inventory.snapshot', 'inventory.snapshot']);
    const [erp, wms] = out as Extract<CtEvent, { type: 'inventory.snapshot' }>[];
    expect(erp.attrs.available).toBe(wms.attrs.available);
    expect(out.every((e) => !(e.attrs as { injected?: unknown }).injected)).toBe(true);
  });

  it('reprices off-contract lines at contract, and reallocates a backorder to another warehouse', () => {
    const { sim, events } = simWith({ contractPriceMismatch: 0.2, backorder: 0.2 });
    const mispriced = events.find((e) => e.type === 'order.priced' && (e.attrs as { injected?: unknown }).injected)!;
    const repriced = sim.respond(command({ kind: 'apply_contract_price', orderId: mispriced.orderId }), START + HOUR);
    expect(repriced.length).toBeGreaterThan(0);
    for (const e of repriced) expect(e.type === 'order.priced' && e.attrs.unitPrice === e.attrs.contractPrice).toBe(true);
    const backorder = events.find((e) => e.type === 'inventory.allocated' && e.attrs.qtyBackordered > 0)!;
    const moved = sim.respond(command({ kind: 'reallocate', orderId: backorder.orderId }), START + HOUR);
    const alloc = moved.find((e) => e.lineId === backorder.lineId)!;
    expect(alloc).toMatchObject({ type: 'inventory.allocated' });
    expect(alloc.warehouse).not.toBe(backorder.warehouse);
    const picks = sim.advanceTo(START + 3 * HOUR).filter((e) => e.lineId === backorder.lineId && e.type === 'pick.completed');
    expect(picks.some((e) => e.warehouse === alloc.warehouse)).toBe(true);
  });
});
