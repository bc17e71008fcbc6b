// Order intake and the ERP's order processing: arrival on the daily curve, order.created from
// the customer's channel, pricing against contract, credit check and holds. Injects the order-
// level faults: anomalous quantities, duplicates (EDI retry, API replay), missing tax
// jurisdiction, off-contract prices and margins below floor, credit holds.
import { FaultLedger, type Fault } from './faults.ts';
import { CURVE_MAX, intensity } from './curve.ts';
import { DAY, fnv, HOUR, MINUTE, round2, type Order, type OrderLine, type SimContext } from './context.ts';
import { fulfil } from './fulfilment.ts';
import { belowFloorPrice, contractPrice, mismatchedPrice } from './pricing.ts';
import { sendMessage, type InterfaceName } from './telemetry.ts';
import type { Channel, Customer } from './world.ts';

const MAX_LINES = 60;
const SIGNATURE_WINDOW = 7 * DAY;
const CHANNEL_INTERFACE: Record<Channel, InterfaceName | null> = { edi: 'edi_850_inbound', ecom: 'ecom_api', portal: 'portal_api', csr: null };
const CHANNEL_SOURCE = { edi: 'edi', ecom: 'ecom', portal: 'crm', csr: 'erp' } as const;
const PO_PREFIX: Record<Channel, string> = { edi: 'PO', ecom: 'WEB', portal: 'PRT', csr: 'CSR' };

/** Non-homogeneous Poisson arrivals (thinning) following the daily curve. */
export function startOrderArrivals(ctx: SimContext): void {
  const perMs = ctx.config.linesPerDay / ctx.config.meanLinesPerOrder / DAY;
  const step = (): void => {
    if (ctx.rng.next() * CURVE_MAX < intensity(ctx.now)) {
      const customer = ctx.world.customers[ctx.rng.weighted(ctx.world.customerCumulative)];
      createOrder(ctx, customer);
    }
    ctx.at(ctx.now + ctx.rng.exponential(perMs * CURVE_MAX), step);
  };
  ctx.at(ctx.now + ctx.rng.exponential(perMs * CURVE_MAX), step);
}

function lineCount(ctx: SimContext): number {
  // Uniform on 1 … 2m−1 (mean exactly m): no long tail, so a normal order never looks like an outlier.
  return Math.min(MAX_LINES, 1 + ctx.rng.int(0, Math.round(2 * (ctx.config.meanLinesPerOrder - 1))));
}

function promisedShipTs(ctx: SimContext, customer: Customer): number {
  const dayStart = Math.floor(ctx.now / DAY) * DAY;
  const hour = (ctx.now - dayStart) / HOUR;
  const days = customer.sameDay ? (hour < 14 ? 0 : 1) : customer.tier === 'strategic' || customer.tier === 'A' ? 1 : 2;
  return dayStart + days * DAY + 23 * HOUR;
}

function drawLines(ctx: SimContext, orderId: string, customer: Customer): OrderLine[] {
  const count = lineCount(ctx);
  const used = new Set<number>();
  const lines: OrderLine[] = [];
  while (lines.length < count) {
    const skuIndex = ctx.rng.weighted(ctx.world.skuCumulative);
    if (used.has(skuIndex)) continue;
    used.add(skuIndex);
    const sku = ctx.world.skus[skuIndex];
    const price = contractPrice(ctx, customer, sku);
    lines.push({
      lineId: `${orderId}-${lines.length + 1}`,
      sku,
      qty: Math.max(1, Math.round(customer.qtyBase * ctx.rng.between(0.5, 1.5))),
      unitPrice: price,
      contractPrice: price,
      allocatedUnpicked: new Map(),
      waiting: 0,
      staged: new Map(),
      shipped: 0,
    });
  }
  return lines;
}

const signatureOf = (lines: OrderLine[]): string =>
  lines
    .map((l) => `${l.sku.id}:${l.qty}`)
    .sort()
    .join('|');

/** Keeps normal orders from repeating a recent line set of the same customer (that would look like a duplicate). */
function makeDistinct(ctx: SimContext, customer: Customer, lines: OrderLine[]): void {
  let recent = ctx.signatures.get(customer.id);
  if (!recent) ctx.signatures.set(customer.id, (recent = new Map()));
  for (const [sig, ts] of recent) if (ctx.now - ts > SIGNATURE_WINDOW) recent.delete(sig);
  let sig = signatureOf(lines);
  while (recent.has(sig)) {
    lines[0].qty += 1;
    sig = signatureOf(lines);
  }
  recent.set(sig, ctx.now);
}

function newOrder(ctx: SimContext, customer: Customer, channel: Channel, poNumber: string, lines: OrderLine[]): Order {
  const order: Order = {
    id: '',
    customer,
    channel,
    poNumber,
    createdTs: ctx.now,
    promisedShipTs: promisedShipTs(ctx, customer),
    shipComplete: customer.shipComplete,
    lines,
    hold: null,
    pendingTaxHold: null,
    cancelled: false,
    shipments: [],
    lateInjected: false,
    splitFault: null,
    delayFault: null,
    causes: [],
    mispricedLines: new Set(),
  };
  return order;
}

export function createOrder(ctx: SimContext, customer: Customer): Order {
  const rates = ctx.config.faultRates;
  const id = `SO-${1_000_000 + ctx.next('order')}`;
  const lines = drawLines(ctx, id, customer);
  let anomaly: Fault | null = null;
  if (ctx.rng.chance(rates.anomalousQuantity)) {
    const line = ctx.rng.pick(lines);
    line.qty = Math.round(customer.qtyBase * ctx.rng.between(15, 40));
    anomaly = ctx.ledger.open('order_anomaly', 'anomalous_quantity', ctx.now, { orderIds: [id], customerId: customer.id, sku: line.sku.id }, { injected: true });
  }
  if (ctx.rng.chance(rates.marginBelowFloor)) {
    const line = ctx.rng.pick(lines);
    line.unitPrice = line.contractPrice = belowFloorPrice(ctx, line.sku);
  }
  makeDistinct(ctx, customer, lines);
  const channel = customer.channel;
  const order = newOrder(ctx, customer, channel, `${PO_PREFIX[channel]}-${customer.index + 1}-${ctx.next(`po-${customer.id}`)}`, lines);
  order.id = id;
  if (anomaly) order.causes.push(anomaly);
  order.lateInjected = ctx.rng.chance(rates.lateShipment);
  if (order.shipComplete && lines.length >= 2 && ctx.rng.chance(rates.splitShipment)) order.splitFault = pendingSplit;
  const missingTax = ctx.rng.chance(rates.missingTaxJurisdiction);
  if (missingTax) {
    order.pendingTaxHold = ctx.ledger.open('missing_master_data', 'missing_tax_jurisdiction', ctx.now, { orderIds: [id], customerId: customer.id }, { injected: true });
  }
  const payloadHash = fnv(`${customer.id}|${order.poNumber}|${signatureOf(lines)}`);
  const replay = channel === 'ecom' && ctx.rng.chance(rates.apiReplayDuplicate);
  const ediRetry = channel === 'edi' && ctx.rng.chance(rates.ediRetryDuplicate);
  const duplicate = replay || ediRetry ? ctx.ledger.open('duplicate_order', replay ? 'api_timeout_replay' : 'edi_retry', ctx.now, { orderIds: [id], customerId: customer.id }, { injected: true }) : null;
  if (replay && duplicate) {
    // The API answered too late: the client saw a timeout although the order was taken.
    ctx.emit(
      { type: 'integration.message', source: 'ecom', interface: 'ecom_api', orderId: id, customerId: customer.id, attrs: { direction: 'in', ok: false, latencyMs: 30_000, errorCode: 'TIMEOUT', retry: 0, messageId: `MSG-${ctx.next('msg')}`, payloadHash } },
      duplicate,
    );
  } else {
    const iface = CHANNEL_INTERFACE[channel];
    if (iface) sendMessage(ctx, iface, { orderId: id, customerId: customer.id, payloadHash });
  }
  emitCreated(ctx, order, missingTax ? order.pendingTaxHold : anomaly);
  registerOrder(ctx, order);
  if (duplicate) {
    const delay = replay ? ctx.rng.between(5_000, 90_000) : ctx.rng.between(2, 30) * MINUTE;
    ctx.at(ctx.now + delay, () => createDuplicate(ctx, order, duplicate, payloadHash, replay ? 'ecom_api' : 'edi_850_inbound'));
  }
  return order;
}

/** Marks an order for a split shipment; the fault opens when the split happens. */
const pendingSplit = { faultId: 'pending' } as Fault;
export const isSplitPending = (order: Order): boolean => order.splitFault === pendingSplit;

function createDuplicate(ctx: SimContext, original: Order, fault: Fault, payloadHash: string, iface: InterfaceName): void {
  const id = `SO-${1_000_000 + ctx.next('order')}`;
  const lines = original.lines.map((l, i) => ({ ...l, lineId: `${id}-${i + 1}`, allocatedUnpicked: new Map(), waiting: 0, staged: new Map(), shipped: 0 }));
  const dup = newOrder(ctx, original.customer, original.channel, original.poNumber, lines);
  dup.id = id;
  dup.promisedShipTs = original.promisedShipTs;
  FaultLedger.addOrder(fault, id);
  const spec = iface === 'edi_850_inbound' ? { source: 'edi' as const, latencyMs: 130 } : { source: 'ecom' as const, latencyMs: 95 };
  ctx.emit(
    { type: 'integration.message', source: spec.source, interface: iface, orderId: id, customerId: dup.customer.id, attrs: { direction: 'in', ok: true, latencyMs: spec.latencyMs, retry: 1, messageId: `MSG-${ctx.next('msg')}`, payloadHash } },
    fault,
  );
  emitCreated(ctx, dup, fault);
  registerOrder(ctx, dup);
}

function emitCreated(ctx: SimContext, order: Order, label: Fault | null): void {
  const c = order.customer;
  const iso = (ts: number): string => new Date(ts).toISOString();
  ctx.emit(
    {
      type: 'order.created',
      source: CHANNEL_SOURCE[order.channel],
      orderId: order.id,
      customerId: c.id,
      amount: round2(order.lines.reduce((s, l) => s + l.qty * l.unitPrice, 0)),
      attrs: {
        channel: order.channel,
        poNumber: order.poNumber,
        lines: order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku.id, qty: l.qty, unitPrice: l.unitPrice, uom: 'EA' })),
        requestedShipDate: iso(order.promisedShipTs),
        promisedShipDate: iso(order.promisedShipTs),
        shipComplete: order.shipComplete,
        shipTo: {
          name: c.name,
          city: c.city,
          region: ctx.world.warehouses[c.homeWarehouse].region,
          country: 'US',
          ...(order.pendingTaxHold ? {} : { taxJurisdiction: c.taxJurisdiction }),
        },
        customerTier: c.tier,
      },
    },
    label,
  );
}

function registerOrder(ctx: SimContext, order: Order): void {
  ctx.orders.set(order.id, order);
  ctx.at(ctx.now + ctx.rng.between(2_000, 20_000), () => processOrder(ctx, order));
  ctx.at(order.promisedShipTs, () => checkPromise(ctx, order));
}

/** At the promised ship date: an order not shipped yet is late (injected, or a consequence of another fault). */
function checkPromise(ctx: SimContext, order: Order): void {
  if (order.cancelled || order.firstShipTs !== undefined) return;
  const cause = order.causes[0];
  order.delayFault = ctx.ledger.open(
    'shipment_delay',
    order.lateInjected ? 'late_shipment' : 'missed_promise',
    ctx.now,
    { orderIds: [order.id], customerId: order.customer.id, warehouse: ctx.world.warehouses[order.customer.homeWarehouse].code },
    { injected: order.lateInjected, ...(cause ? { causeFaultId: cause.faultId } : {}) },
  );
}

/** The ERP takes the order: prices each line, checks credit, applies holds. */
function processOrder(ctx: SimContext, order: Order): void {
  if (order.cancelled) return;
  const c = order.customer;
  sendMessage(ctx, 'erp_order_api', { orderId: order.id, customerId: c.id });
  sendMessage(ctx, 'middleware_bus', { orderId: order.id });
  let mispricing: Fault | null = null;
  let marginFault: Fault | null = null;
  const mismatch = ctx.rng.chance(ctx.config.faultRates.contractPriceMismatch);
  for (const line of order.lines) {
    let unitPrice = line.contractPrice;
    let label: Fault | null = null;
    if (mismatch && (line === order.lines[0] || ctx.rng.chance(0.2))) {
      unitPrice = mismatchedPrice(ctx, line.contractPrice);
      mispricing ??= ctx.ledger.open('pricing_discrepancy', 'contract_mismatch', ctx.now, { orderIds: [order.id], customerId: c.id, sku: line.sku.id }, { injected: true });
      label = mispricing;
      order.mispricedLines.add(line.lineId);
    } else if ((line.contractPrice - line.sku.unitCost) / line.contractPrice - c.rebatePct / 100 < 0.05) {
      marginFault ??= ctx.ledger.open('pricing_discrepancy', 'margin_below_floor', ctx.now, { orderIds: [order.id], customerId: c.id, sku: line.sku.id }, { injected: true });
      label = marginFault;
    }
    line.unitPrice = unitPrice;
    emitPriced(ctx, order, line, label);
  }
  creditCheck(ctx, order);
}

export function emitPriced(ctx: SimContext, order: Order, line: OrderLine, label: Fault | null, extra: Record<string, unknown> = {}): void {
  ctx.emit(
    {
      type: 'order.priced',
      source: 'erp',
      orderId: order.id,
      lineId: line.lineId,
      customerId: order.customer.id,
      sku: line.sku.id,
      qty: line.qty,
      amount: round2(line.qty * line.unitPrice),
      attrs: { lineId: line.lineId, unitPrice: line.unitPrice, contractPrice: line.contractPrice, listPrice: line.sku.listPrice, unitCost: line.sku.unitCost, rebatePct: order.customer.rebatePct, ...extra },
    },
    label,
  );
}

function creditCheck(ctx: SimContext, order: Order): void {
  const c = order.customer;
  const value = order.lines.reduce((s, l) => s + l.qty * l.unitPrice, 0);
  let episode = ctx.creditEpisodes.get(c.id);
  if (!episode && ctx.rng.chance(ctx.config.faultRates.creditHold)) episode = startCreditEpisode(ctx, order, 'overdue_invoice');
  const exposure = Math.round(c.steadyExposure * ctx.rng.between(0.85, 1) + value + (episode?.overdue ?? 0));
  if (!episode && exposure > c.creditLimit) episode = startCreditEpisode(ctx, order, 'over_limit');
  const label = episode?.fault ?? null;
  ctx.emit(
    {
      type: 'order.credit_checked',
      source: 'erp',
      orderId: order.id,
      customerId: c.id,
      amount: round2(value),
      attrs: { result: episode ? 'hold' : 'approved', exposure, creditLimit: c.creditLimit, overdueBalance: episode?.overdue ?? 0, daysPastDue: episode?.daysPastDue ?? 0 },
    },
    label,
  );
  if (!episode) return afterCredit(ctx, order);
  FaultLedger.addOrder(episode.fault, order.id);
  order.causes.push(episode.fault);
  order.hold = 'credit';
  episode.held.push(order);
  ctx.emit({ type: 'order.held', source: 'erp', orderId: order.id, customerId: c.id, attrs: { holdCode: 'credit' } }, episode.fault);
}

/** A customer's overdue invoice (or a limit breach) holds their orders until they pay. */
function startCreditEpisode(ctx: SimContext, order: Order, kind: 'overdue_invoice' | 'over_limit') {
  const c = order.customer;
  const injected = kind === 'overdue_invoice';
  const fault = ctx.ledger.open('credit_hold', kind, ctx.now, { customerId: c.id, orderIds: [] }, { injected });
  const episode = { fault, overdue: injected ? Math.round(c.steadyExposure * ctx.rng.between(0.1, 0.3)) : 0, daysPastDue: injected ? ctx.rng.int(35, 75) : 0, held: [] as Order[] };
  ctx.creditEpisodes.set(c.id, episode);
  if (injected) ctx.emit({ type: 'payment.overdue', source: 'erp', customerId: c.id, amount: episode.overdue, attrs: { daysPastDue: episode.daysPastDue } }, fault);
  ctx.at(ctx.now + ctx.rng.between(1, 4) * HOUR, () => endCreditEpisode(ctx, c.id));
  return episode;
}

function endCreditEpisode(ctx: SimContext, customerId: string): void {
  const episode = ctx.creditEpisodes.get(customerId);
  if (!episode) return;
  ctx.creditEpisodes.delete(customerId);
  episode.fault.endTs = ctx.now;
  if (episode.overdue > 0) ctx.emit({ type: 'payment.received', source: 'erp', customerId, amount: episode.overdue, attrs: { overdueSettled: true } }, episode.fault);
  for (const order of episode.held) if (order.hold === 'credit') releaseHold(ctx, order, episode.fault);
}

/** Releases the order's hold and lets it continue. */
export function releaseHold(ctx: SimContext, order: Order, label: Fault | null, extra: Record<string, unknown> = {}): boolean {
  if (order.cancelled || !order.hold) return false;
  const holdCode = order.hold;
  order.hold = null;
  ctx.emit({ type: 'order.released', source: 'erp', orderId: order.id, customerId: order.customer.id, attrs: { holdCode, ...extra } }, label);
  if (holdCode === 'credit') afterCredit(ctx, order);
  else fulfil(ctx, order);
  return true;
}

function afterCredit(ctx: SimContext, order: Order): void {
  const taxFault = order.pendingTaxHold;
  if (!taxFault) return fulfil(ctx, order);
  order.pendingTaxHold = null;
  order.hold = 'tax';
  ctx.emit({ type: 'order.held', source: 'erp', orderId: order.id, customerId: order.customer.id, attrs: { holdCode: 'tax', reason: 'ship-to has no tax jurisdiction' } }, taxFault);
  // Master data fixes the ship-to and releases the order.
  ctx.at(ctx.now + ctx.rng.between(0.5, 3) * HOUR, () => {
    if (order.hold === 'tax') {
      taxFault.endTs = ctx.now;
      releaseHold(ctx, order, taxFault);
    }
  });
}
