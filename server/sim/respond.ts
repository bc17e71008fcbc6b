// The simulated ERP/TMS answering the tower's actions: each command changes the business state
// and yields the events the real systems would emit. Idempotent per idempotencyKey: a resent
// command returns the very same events (same ids) and changes nothing again.
import type { ActionCommand } from '../contracts/actionCommand.ts';
import type { CtEvent } from '../events/schema.ts';
import { DAY, fnv, HOUR, MINUTE, stockOf, type Order, type SimContext } from './context.ts';
import { emitStatus, forgetWhenDone, schedulePick } from './fulfilment.ts';
import { allocateLine, emitSnapshot, endSyncDivergence, releaseLine } from './inventory.ts';
import { emitPriced, releaseHold } from './orders.ts';
import { carrierCall, INTERFACES, type InterfaceName } from './telemetry.ts';

export class CommandError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

type Handler = (ctx: SimContext, command: ActionCommand) => void;

function orderOf(ctx: SimContext, command: ActionCommand): Order {
  if (!command.orderId) throw new CommandError(422, `orderId: required for ${command.kind}`);
  const order = ctx.orders.get(command.orderId);
  if (!order) throw new CommandError(404, `orderId: unknown order '${command.orderId}'`);
  return order;
}

function warehouseIndex(ctx: SimContext, code: string): number {
  const wh = ctx.world.warehouses.findIndex((w) => w.code === code);
  if (wh < 0) throw new CommandError(404, `warehouse: unknown warehouse '${code}'`);
  return wh;
}

function carrierIndex(ctx: SimContext, code: string): number {
  const i = ctx.world.carriers.findIndex((c) => c.code === code);
  if (i < 0) throw new CommandError(404, `carrier: unknown carrier '${code}'`);
  return i;
}

const HANDLERS: Record<ActionCommand['kind'], Handler> = {
  release_hold: (ctx, command) => {
    releaseHold(ctx, orderOf(ctx, command), null);
  },
  partial_release: (ctx, command) => {
    releaseHold(ctx, orderOf(ctx, command), null, { partial: true });
  },
  reallocate: (ctx, command) => {
    const order = orderOf(ctx, command);
    if (order.cancelled) return;
    const waiting = order.lines.filter((l) => l.waiting > 0);
    if (waiting.length === 0) return;
    const home = order.customer.homeWarehouse;
    const target = command.warehouse
      ? warehouseIndex(ctx, command.warehouse)
      : bestAlternate(ctx, order, home);
    for (const line of waiting) {
      const qty = line.waiting;
      for (const stock of ctx.world.warehouses.map((_, wh) => stockOf(ctx, line.sku.index, wh))) {
        stock.waiting = stock.waiting.filter((w) => w.line !== line);
        if (stock.waiting.length === 0 && stock.backorderFault) {
          stock.backorderFault.endTs = ctx.now;
          stock.backorderFault = null;
        }
      }
      line.waiting = 0;
      allocateLine(ctx, order, line, target, qty);
    }
    schedulePick(ctx, order, target, ctx.rng.between(15, 45) * MINUTE);
  },
  reroute: (ctx, command) => {
    if (!command.carrier) throw new CommandError(422, 'carrier: required for reroute');
    const from = carrierIndex(ctx, command.carrier);
    const toCode = typeof command.params?.toCarrier === 'string' ? command.params.toCarrier : undefined;
    const to = toCode ? carrierIndex(ctx, toCode) : (from + 1) % ctx.world.carriers.length;
    const hours = typeof command.params?.hours === 'number' ? command.params.hours : 4;
    ctx.carrierOverride.set(command.carrier, { to, until: ctx.now + hours * HOUR });
    carrierCall(ctx, to, 'rate', command.orderId ? { orderId: command.orderId } : {});
  },
  suppress_duplicate: (ctx, command) => {
    const order = orderOf(ctx, command);
    if (order.cancelled || order.firstShipTs !== undefined) return;
    order.cancelled = true;
    order.hold = null;
    for (const line of order.lines) releaseLine(ctx, line);
    ctx.emit({ type: 'order.cancelled', source: 'erp', orderId: order.id, customerId: order.customer.id, attrs: { reason: 'duplicate' } });
    forgetWhenDone(ctx, order);
  },
  apply_contract_price: (ctx, command) => {
    const order = orderOf(ctx, command);
    for (const line of order.lines) {
      if (!order.mispricedLines.has(line.lineId)) continue;
      line.unitPrice = line.contractPrice;
      emitPriced(ctx, order, line, null, { repriced: true });
    }
    order.mispricedLines.clear();
  },
  expedite: (ctx, command) => {
    const order = orderOf(ctx, command);
    if (order.cancelled) return;
    for (const id of order.shipments) {
      const s = ctx.shipments.get(id)!;
      const faster = ctx.now + DAY;
      if (s.delivered || faster >= s.eta) continue;
      s.eta = faster;
      emitStatus(ctx, id, 'in_transit', { eta: faster, extra: { expedited: true } });
      ctx.at(faster, () => {
        if (s.delivered) return;
        s.delivered = true;
        emitStatus(ctx, id, 'delivered', { eta: ctx.now });
      });
    }
    for (const line of order.lines) for (const wh of line.allocatedUnpicked.keys()) schedulePick(ctx, order, wh, 15 * MINUTE);
  },
  resync_inventory: (ctx, command) => {
    if (!command.sku || !command.warehouse) throw new CommandError(422, 'sku and warehouse: required for resync_inventory');
    const sku = ctx.world.skus.find((s) => s.id === command.sku);
    if (!sku) throw new CommandError(404, `sku: unknown sku '${command.sku}'`);
    const stock = stockOf(ctx, sku.index, warehouseIndex(ctx, command.warehouse));
    endSyncDivergence(ctx, stock);
    emitSnapshot(ctx, stock);
  },
  replay_messages: (ctx, command) => {
    const name = command.interface;
    if (!name || !Object.hasOwn(INTERFACES, name)) throw new CommandError(422, `interface: expected one of ${Object.keys(INTERFACES).join(', ')}`);
    const spec = INTERFACES[name as InterfaceName];
    ctx.emit({ type: 'integration.message', source: spec.source, interface: name, attrs: { direction: spec.direction, ok: true, latencyMs: spec.latencyMs, retry: 1, messageId: `MSG-${ctx.next('msg')}`, replay: true } });
  },
  hold_order: (ctx, command) => {
    const order = orderOf(ctx, command);
    if (order.cancelled || order.hold || order.firstShipTs !== undefined) return;
    order.hold = 'manual';
    ctx.emit({ type: 'order.held', source: 'erp', orderId: order.id, customerId: order.customer.id, attrs: { holdCode: 'manual' } });
  },
  consolidate: (ctx, command) => {
    const order = orderOf(ctx, command);
    const open = order.shipments.map((id) => ctx.shipments.get(id)!).filter((s) => !s.delivered);
    if (open.length < 2) return;
    const eta = Math.max(...open.map((s) => s.eta));
    for (const s of open) {
      s.eta = eta;
      emitStatus(ctx, s.id, 'in_transit', { eta, extra: { consolidated: true } });
    }
  },
  confirm_with_customer: (ctx, command) => {
    const order = orderOf(ctx, command);
    ctx.emit({ type: 'integration.message', source: 'crm', interface: 'crm_api', orderId: order.id, customerId: order.customer.id, attrs: { direction: 'out', ok: true, latencyMs: 150, retry: 0, messageId: `MSG-${ctx.next('msg')}`, confirmed: true } });
    if (order.hold === 'manual') releaseHold(ctx, order, null);
  },
};

function bestAlternate(ctx: SimContext, order: Order, home: number): number {
  let best = home;
  let bestScore = -Infinity;
  for (let wh = 0; wh < ctx.world.warehouses.length; wh++) {
    if (wh === home) continue;
    const score = order.lines.filter((l) => l.waiting > 0).reduce((s, l) => {
      const stock = stockOf(ctx, l.sku.index, wh);
      return s + Math.min(l.waiting, stock.erpOnHand - stock.reserved);
    }, 0);
    if (score > bestScore) {
      bestScore = score;
      best = wh;
    }
  }
  return best;
}

export class IdempotencyConflictError extends CommandError {
  constructor(key: string) {
    super(409, `idempotencyKey: '${key}' was already used for a different command`);
  }
}

/** Returns respond(command, nowMs): the events that follow the command, the same ones on every resend. */
export function createResponder(ctx: SimContext): (command: ActionCommand, nowMs: number) => CtEvent[] {
  const done = new Map<string, { fingerprint: string; events: CtEvent[] }>();
  return (command, nowMs) => {
    const fingerprint = JSON.stringify(command);
    const previous = done.get(command.idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) throw new IdempotencyConflictError(command.idempotencyKey);
      return previous.events;
    }
    const saved = { now: ctx.now, out: ctx.out, newId: ctx.newId };
    const prefix = `sim-${ctx.config.seed}-act-${fnv(command.idempotencyKey)}${fnv(`${command.idempotencyKey}#`)}`;
    let n = 0;
    ctx.now = Math.max(nowMs, ctx.now);
    ctx.out = [];
    ctx.newId = () => `${prefix}-${n++}`;
    try {
      HANDLERS[command.kind](ctx, command);
      const events = ctx.out.map((e) => ({ ...e, attrs: { ...e.attrs, exceptionId: command.exceptionId, actionKind: command.kind } }) as unknown as CtEvent);
      done.set(command.idempotencyKey, { fingerprint, events });
      return events;
    } finally {
      ctx.now = saved.now;
      ctx.out = saved.out;
      ctx.newId = saved.newId;
    }
  };
}
