// From allocation to cash: allocate at the customer's home warehouse, pick, ship with the
// routing-guide carrier, track to delivery, invoice and collect. Injects backorders, late
// shipments, split shipments of ship-complete orders, ETA slips and failed deliveries; any
// promise missed as a consequence of another fault is labelled too.
import { FaultLedger, type Fault } from './faults.ts';
import { DAY, HOUR, MINUTE, round2, type Order, type SimContext } from './context.ts';
import { allocateLine, injectStockout, pickLine, waitingServed } from './inventory.ts';
import { isSplitPending } from './orders.ts';
import { carrierCall, sendMessage } from './telemetry.ts';

const scheduledPicks = new WeakMap<Order, Set<number>>();

export function installFulfilment(ctx: SimContext): void {
  waitingServed.handler = (order, wh) => schedulePick(ctx, order, wh);
}

export function fulfil(ctx: SimContext, order: Order): void {
  if (order.cancelled || order.hold) return;
  const wh = order.customer.homeWarehouse;
  if (ctx.rng.chance(ctx.config.faultRates.backorder)) {
    injectStockout(ctx, order, ctx.rng.pick(order.lines), wh);
  }
  for (const line of order.lines) {
    const open = line.qty - line.shipped - line.waiting - sum(line.allocatedUnpicked) - sum(line.staged);
    if (open > 0) allocateLine(ctx, order, line, wh, open);
  }
  schedulePick(ctx, order, wh);
}

const sum = (m: Map<number, number>): number => {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
};

export function schedulePick(ctx: SimContext, order: Order, wh: number, delayMs?: number): void {
  let set = scheduledPicks.get(order);
  if (!set) scheduledPicks.set(order, (set = new Set()));
  if (set.has(wh) && delayMs === undefined) return;
  set.add(wh);
  let delay = delayMs ?? (order.customer.sameDay ? ctx.rng.between(0.5, 3) : ctx.rng.between(1, 6)) * HOUR;
  // An injected late shipment: the wave misses the promised date by a few hours.
  if (order.lateInjected && order.firstShipTs === undefined && delayMs === undefined) delay = Math.max(delay, order.promisedShipTs - ctx.now + ctx.rng.between(1, 10) * HOUR);
  ctx.at(ctx.now + delay, () => {
    set.delete(wh);
    pick(ctx, order, wh);
  });
}

function pick(ctx: SimContext, order: Order, wh: number): void {
  if (order.cancelled || order.hold) return;
  for (const line of order.lines) {
    const picked = pickLine(ctx, order, line, wh);
    if (picked > 0) line.staged.set(wh, (line.staged.get(wh) ?? 0) + picked);
  }
  const anyStaged = order.lines.some((l) => (l.staged.get(wh) ?? 0) > 0);
  if (!anyStaged) return;
  // Ship-complete customers get one shipment with every unit; others get what is picked.
  const complete = order.lines.every((l) => l.waiting === 0 && sum(l.allocatedUnpicked) === 0);
  if (order.shipComplete && !complete) return;
  ctx.at(ctx.now + ctx.rng.between(0.5, 2) * HOUR, () => ship(ctx, order, wh));
}

function ship(ctx: SimContext, order: Order, wh: number): void {
  if (order.cancelled) return;
  const lines = order.lines.filter((l) => (l.staged.get(wh) ?? 0) > 0).map((l) => ({ line: l, qty: l.staged.get(wh)! }));
  if (lines.length === 0) return;
  for (const { line } of lines) line.staged.delete(wh);
  if (isSplitPending(order) && lines.length >= 2 && order.firstShipTs === undefined) {
    const fault = ctx.ledger.open('routing_violation', 'split_shipment', ctx.now, { orderIds: [order.id], customerId: order.customer.id, warehouse: ctx.world.warehouses[wh].code }, { injected: true });
    order.splitFault = fault;
    const cut = Math.ceil(lines.length / 2);
    createShipment(ctx, order, wh, lines.slice(0, cut), fault);
    const rest = lines.slice(cut);
    ctx.at(ctx.now + ctx.rng.between(20, 120) * MINUTE, () => createShipment(ctx, order, wh, rest, fault));
    return;
  }
  createShipment(ctx, order, wh, lines, null);
}

function createShipment(ctx: SimContext, order: Order, wh: number, lines: { line: Order['lines'][number]; qty: number }[], splitFault: Fault | null): void {
  if (order.cancelled) return;
  const c = order.customer;
  const override = ctx.carrierOverride.get(ctx.world.carriers[c.routing.carrier].code);
  const carrierIndex = override && ctx.now < override.until ? override.to : c.routing.carrier;
  const carrier = ctx.world.carriers[carrierIndex];
  const service = carrier.services.find((s) => s.level === c.routing.service.level) ?? carrier.services[0];
  const id = `SH-${1_000_000 + ctx.next('shipment')}`;
  const eta = ctx.now + service.transitDays * DAY;
  const promisedDate = order.promisedShipTs + (service.transitDays + 2) * DAY;
  const shipment = { id, order, carrier, service, wh, shipTs: ctx.now, eta, promisedDate, delivered: false };
  ctx.shipments.set(id, shipment);
  if (splitFault) FaultLedger.addShipment(splitFault, id);
  const late = order.firstShipTs === undefined ? order.delayFault : null;
  if (late) FaultLedger.addShipment(late, id);
  order.firstShipTs ??= ctx.now;
  order.shipments.push(id);
  for (const { line, qty } of lines) line.shipped += qty;
  const keys = { orderId: order.id, shipmentId: id };
  carrierCall(ctx, carrierIndex, 'rate', keys);
  carrierCall(ctx, carrierIndex, 'label', keys);
  ctx.emit(
    {
      type: 'shipment.created',
      source: 'tms',
      orderId: order.id,
      customerId: c.id,
      shipmentId: id,
      carrier: carrier.code,
      warehouse: ctx.world.warehouses[wh].code,
      qty: lines.reduce((s, l) => s + l.qty, 0),
      attrs: { lines: lines.map(({ line, qty }) => ({ lineId: line.lineId, qty })), service: service.level, eta: new Date(eta).toISOString(), promisedDate: new Date(promisedDate).toISOString() },
    },
    splitFault ?? late,
  );
  sendMessage(ctx, 'tms_api', { orderId: order.id, shipmentId: id, warehouse: ctx.world.warehouses[wh].code });
  sendMessage(ctx, 'middleware_bus', { orderId: order.id, shipmentId: id });
  invoice(ctx, order, id, round2(lines.reduce((s, l) => s + l.qty * l.line.unitPrice, 0)));
  ctx.at(ctx.now + ctx.rng.between(1, 4) * HOUR, () => inTransit(ctx, id));
}

function invoice(ctx: SimContext, order: Order, shipmentId: string, amount: number): void {
  const c = order.customer;
  const orderId = order.id;
  const invoiceId = `INV-${1_000_000 + ctx.next('invoice')}`;
  ctx.emit({ type: 'order.invoiced', source: 'erp', orderId, customerId: c.id, shipmentId, amount, attrs: { invoiceId, terms: 'NET30' } });
  // Captures ids only: the order itself can be forgotten long before the customer pays.
  ctx.at(ctx.now + ctx.rng.between(c.paymentDays[0], c.paymentDays[1]) * DAY, () => {
    ctx.emit({ type: 'payment.received', source: 'erp', orderId, customerId: c.id, amount, attrs: { invoiceId } });
  });
}

/** Orders and shipments are kept for actions a while after they finish, then forgotten (bounded memory). */
const RETAIN_MS = DAY;

export function forgetWhenDone(ctx: SimContext, order: Order): void {
  const finished = order.cancelled || (order.lines.every((l) => l.shipped >= l.qty) && order.shipments.every((id) => ctx.shipments.get(id)?.delivered !== false));
  if (!finished) return;
  ctx.at(ctx.now + RETAIN_MS, () => {
    ctx.orders.delete(order.id);
    for (const id of order.shipments) ctx.shipments.delete(id);
  });
}

/** Emits a status; any ETA past the promised date carries the order's shipment-delay label. */
export function emitStatus(ctx: SimContext, shipmentId: string, status: 'in_transit' | 'delayed' | 'failed_delivery' | 'delivered', opts: { eta?: number; reason?: string; label?: Fault | null; extra?: Record<string, unknown> } = {}): void {
  const s = ctx.shipments.get(shipmentId)!;
  let label = opts.label ?? null;
  if (!label && opts.eta !== undefined && opts.eta > s.promisedDate) {
    const order = s.order;
    order.delayFault ??= ctx.ledger.open(
      'shipment_delay',
      'eta_past_promise',
      ctx.now,
      { orderIds: [order.id], customerId: order.customer.id, carrier: s.carrier.code },
      { injected: false, ...(order.causes[0] ? { causeFaultId: order.causes[0].faultId } : {}) },
    );
    FaultLedger.addShipment(order.delayFault, shipmentId);
    label = order.delayFault;
  }
  ctx.emit(
    {
      type: 'shipment.status',
      source: 'carrier',
      orderId: s.order.id,
      customerId: s.order.customer.id,
      shipmentId,
      carrier: s.carrier.code,
      attrs: {
        status,
        ...(opts.eta !== undefined ? { eta: new Date(opts.eta).toISOString() } : {}),
        promisedDate: new Date(s.promisedDate).toISOString(),
        ...(opts.reason ? { reason: opts.reason } : {}),
        ...opts.extra,
      },
    },
    label,
  );
  carrierCall(ctx, ctx.world.carriers.indexOf(s.carrier), 'track', { orderId: s.order.id, shipmentId });
}

const SLIP_REASONS = ['linehaul delay', 'weather', 'missed connection', 'terminal congestion'];
const FAILED_REASONS = ['recipient closed', 'address not found', 'refused', 'no dock appointment'];

function inTransit(ctx: SimContext, shipmentId: string): void {
  const s = ctx.shipments.get(shipmentId)!;
  if (s.delivered) return;
  emitStatus(ctx, shipmentId, 'in_transit', { eta: s.eta });
  const rates = ctx.config.faultRates;
  if (ctx.rng.chance(rates.etaSlip)) {
    const at = ctx.now + ctx.rng.between(0.2, 0.6) * (s.eta - ctx.now);
    ctx.at(at, () => {
      if (s.delivered) return;
      const order = s.order;
      const fault = ctx.ledger.open('shipment_delay', 'eta_slip', ctx.now, { orderIds: [order.id], customerId: order.customer.id, carrier: s.carrier.code, shipmentIds: [s.id] }, { injected: true });
      order.delayFault ??= fault;
      s.eta = s.promisedDate + ctx.rng.between(1, 3) * DAY;
      emitStatus(ctx, shipmentId, 'delayed', { eta: s.eta, reason: ctx.rng.pick(SLIP_REASONS), label: fault });
      ctx.at(s.eta, () => deliver(ctx, shipmentId, fault));
    });
    return;
  }
  if (ctx.rng.chance(rates.failedDelivery)) {
    ctx.at(s.eta, () => {
      if (s.delivered) return;
      const order = s.order;
      const fault = ctx.ledger.open('carrier_failure', 'failed_delivery', ctx.now, { orderIds: [order.id], customerId: order.customer.id, carrier: s.carrier.code, shipmentIds: [s.id] }, { injected: true });
      // Redelivery the next day stays within the promised delivery date (2 days of slack).
      emitStatus(ctx, shipmentId, 'failed_delivery', { reason: ctx.rng.pick(FAILED_REASONS), label: fault });
      ctx.at(ctx.now + DAY, () => deliver(ctx, shipmentId, null));
      fault.endTs = ctx.now + DAY;
    });
    return;
  }
  ctx.at(s.eta - ctx.rng.between(0, 4) * HOUR, () => deliver(ctx, shipmentId, null));
}

function deliver(ctx: SimContext, shipmentId: string, slip: Fault | null): void {
  const s = ctx.shipments.get(shipmentId)!;
  if (s.delivered) return;
  s.delivered = true;
  if (slip) slip.endTs = ctx.now;
  emitStatus(ctx, shipmentId, 'delivered', { eta: Math.min(s.eta, ctx.now), label: slip });
  forgetWhenDone(ctx, s.order);
}
