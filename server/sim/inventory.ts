// Stock per sku × warehouse as two systems see it: the WMS counts what is on the shelf, the ERP
// what it believes is there. They agree except while an injected stale sync lasts. Stock moves
// with allocations, picks and replenishment; any backorder — injected or natural — is labelled
// as one backorder episode per sku × warehouse.
import { FaultLedger, type Fault } from './faults.ts';
import { DAY, HOUR, MINUTE, stockOf, type Order, type OrderLine, type SimContext, type Stock } from './context.ts';
import { sendMessage } from './telemetry.ts';

export function buildStock(ctx: SimContext): void {
  const { world } = ctx;
  for (const sku of world.skus) {
    for (let wh = 0; wh < world.warehouses.length; wh++) {
      const dailyUnits = world.skuDailyLines[sku.index] * world.warehouseShare[wh] * world.meanQty;
      // Reorder at 3 days of demand plus a few large lines; lead times are at most 1.5 days.
      const reorderPoint = Math.ceil(3 * dailyUnits + 150);
      const orderUpTo = Math.ceil(reorderPoint + 6 * dailyUnits + 150);
      const phys = ctx.rng.int(Math.ceil((reorderPoint + orderUpTo) / 2), orderUpTo);
      ctx.stock.push({ sku, wh, phys, erpOnHand: phys, reserved: 0, onOrder: 0, reorderPoint, orderUpTo, waiting: [], backorderFault: null, divergence: null, lastDivergence: null });
    }
  }
}

const erpAvailable = (s: Stock): number => s.erpOnHand - s.reserved;

/** The stock-out episode at this sku × warehouse, opened on its first backorder. */
export function backorderEpisode(ctx: SimContext, stock: Stock, order: Order, kind: string, opts: { injected?: boolean; cause?: Fault } = {}): Fault {
  if (!stock.backorderFault) {
    const cause = opts.cause ?? stock.divergence?.fault ?? stock.lastDivergence ?? order.causes[0];
    stock.backorderFault = ctx.ledger.open(
      'backorder',
      kind,
      ctx.now,
      { sku: stock.sku.id, warehouse: ctx.world.warehouses[stock.wh].code, orderIds: [] },
      { injected: opts.injected ?? false, ...(cause ? { causeFaultId: cause.faultId } : {}) },
    );
  }
  FaultLedger.addOrder(stock.backorderFault, order.id);
  order.causes.push(stock.backorderFault);
  return stock.backorderFault;
}

/** Allocates a line at a warehouse against ERP stock; the rest waits as a backorder. Returns the allocated quantity. */
export function allocateLine(ctx: SimContext, order: Order, line: OrderLine, wh: number, qty: number): number {
  const stock = stockOf(ctx, line.sku.index, wh);
  const allocated = Math.max(0, Math.min(qty, erpAvailable(stock)));
  const backordered = qty - allocated;
  stock.reserved += allocated;
  if (allocated > 0) line.allocatedUnpicked.set(wh, (line.allocatedUnpicked.get(wh) ?? 0) + allocated);
  const label = backordered > 0 ? backorderEpisode(ctx, stock, order, 'stockout') : null;
  if (backordered > 0) {
    line.waiting += backordered;
    stock.waiting.push({ order, line, qty: backordered });
  }
  ctx.emit(
    {
      type: 'inventory.allocated',
      source: 'erp',
      orderId: order.id,
      lineId: line.lineId,
      customerId: order.customer.id,
      sku: line.sku.id,
      warehouse: ctx.world.warehouses[wh].code,
      qty,
      attrs: { lineId: line.lineId, qtyAllocated: allocated, qtyBackordered: backordered },
    },
    label,
  );
  reviewReplenishment(ctx, stock);
  return allocated;
}

/** Picks what the shelf holds; a shortfall waits for stock as a backorder. Returns the quantity picked. */
export function pickLine(ctx: SimContext, order: Order, line: OrderLine, wh: number): number {
  const qty = line.allocatedUnpicked.get(wh) ?? 0;
  if (qty <= 0) return 0;
  line.allocatedUnpicked.delete(wh);
  const stock = stockOf(ctx, line.sku.index, wh);
  const picked = Math.max(0, Math.min(qty, stock.phys));
  const short = qty - picked;
  stock.reserved -= qty;
  stock.phys -= picked;
  stock.erpOnHand -= picked;
  const label = short > 0 ? backorderEpisode(ctx, stock, order, stock.divergence || stock.lastDivergence ? 'pick_short_after_stale_sync' : 'pick_short') : null;
  if (short > 0) {
    line.waiting += short;
    stock.waiting.push({ order, line, qty: short });
  }
  ctx.emit(
    {
      type: short > 0 ? 'pick.short' : 'pick.completed',
      source: 'wms',
      orderId: order.id,
      lineId: line.lineId,
      customerId: order.customer.id,
      sku: line.sku.id,
      warehouse: ctx.world.warehouses[wh].code,
      qty,
      attrs: { lineId: line.lineId, qtyPicked: picked, qtyShort: short },
    },
    label,
  );
  reviewReplenishment(ctx, stock);
  return picked;
}

/** Puts stock back when an order is cancelled before picking. */
export function releaseLine(ctx: SimContext, line: OrderLine): void {
  for (const [wh, qty] of line.allocatedUnpicked) stockOf(ctx, line.sku.index, wh).reserved -= qty;
  line.allocatedUnpicked.clear();
  if (line.waiting > 0) {
    for (const stock of ctx.stock.filter((s) => s.sku === line.sku)) stock.waiting = stock.waiting.filter((w) => w.line !== line);
    line.waiting = 0;
  }
}

/** Reorder-point policy: one purchase order in flight per sku × warehouse; expedited when orders wait. */
export function reviewReplenishment(ctx: SimContext, stock: Stock): void {
  if (stock.onOrder > 0) return;
  const waitingQty = stock.waiting.reduce((sum, w) => sum + w.qty, 0);
  if (erpAvailable(stock) - waitingQty >= stock.reorderPoint) return;
  const qty = stock.orderUpTo - erpAvailable(stock) + waitingQty;
  stock.onOrder = qty;
  const lead = waitingQty > 0 ? ctx.rng.between(3, 8) * HOUR : ctx.rng.between(0.5, 1.5) * DAY;
  ctx.at(ctx.now + lead, () => receive(ctx, stock));
}

function receive(ctx: SimContext, stock: Stock): void {
  const qty = stock.onOrder;
  stock.onOrder = 0;
  stock.phys += qty;
  stock.erpOnHand += qty;
  ctx.emit({ type: 'inventory.replenished', source: 'wms', sku: stock.sku.id, warehouse: ctx.world.warehouses[stock.wh].code, qty, attrs: { qty } });
  serveWaiting(ctx, stock);
  reviewReplenishment(ctx, stock);
}

/** Hook set by the fulfilment model: continue an order once waiting stock is allocated. */
export const waitingServed: { handler: (order: Order, wh: number) => void } = { handler: () => {} };

export function serveWaiting(ctx: SimContext, stock: Stock): void {
  const still: Stock['waiting'] = [];
  for (const entry of stock.waiting) {
    if (entry.order.cancelled) continue;
    const allocated = Math.max(0, Math.min(entry.qty, erpAvailable(stock)));
    if (allocated === 0) {
      still.push(entry);
      continue;
    }
    stock.reserved += allocated;
    entry.line.waiting -= allocated;
    entry.line.allocatedUnpicked.set(stock.wh, (entry.line.allocatedUnpicked.get(stock.wh) ?? 0) + allocated);
    const rest = entry.qty - allocated;
    ctx.emit(
      {
        type: 'inventory.allocated',
        source: 'erp',
        orderId: entry.order.id,
        lineId: entry.line.lineId,
        customerId: entry.order.customer.id,
        sku: stock.sku.id,
        warehouse: ctx.world.warehouses[stock.wh].code,
        qty: entry.qty,
        attrs: { lineId: entry.line.lineId, qtyAllocated: allocated, qtyBackordered: rest },
      },
      rest > 0 ? stock.backorderFault : null,
    );
    if (rest > 0) still.push({ ...entry, qty: rest });
    waitingServed.handler(entry.order, stock.wh);
  }
  stock.waiting = still;
  if (still.length === 0 && stock.backorderFault) {
    stock.backorderFault.endTs = ctx.now;
    stock.backorderFault = null;
  }
}

/** Injected stock-out: a write-off recorded by both systems leaves less than the line needs. */
export function injectStockout(ctx: SimContext, order: Order, line: OrderLine, wh: number): void {
  const stock = stockOf(ctx, line.sku.index, wh);
  if (stock.divergence) return;
  const target = Math.floor(line.qty * ctx.rng.between(0, 0.6));
  const writeOff = Math.min(stock.phys, Math.max(0, erpAvailable(stock) - target));
  stock.phys -= writeOff;
  stock.erpOnHand -= writeOff;
  if (erpAvailable(stock) < line.qty) backorderEpisode(ctx, stock, order, 'stockout', { injected: true });
}

/** Injected stale sync: the WMS loses stock (cycle-count write-off) and the ERP does not hear of it for hours. */
export function startSyncDivergence(ctx: SimContext): void {
  const skuIndex = ctx.rng.weighted(ctx.world.skuCumulative);
  const wh = ctx.rng.int(0, ctx.world.warehouses.length - 1);
  const stock = stockOf(ctx, skuIndex, wh);
  if (stock.divergence || stock.phys < 40) return;
  const loss = Math.max(20, Math.round(stock.phys * ctx.rng.between(0.5, 0.85)));
  stock.phys -= loss;
  const fault = ctx.ledger.open('inventory_sync_divergence', 'stale_sync', ctx.now, { sku: stock.sku.id, warehouse: ctx.world.warehouses[wh].code }, { injected: true });
  stock.divergence = { fault, loss };
  // The WMS posts its count adjustment at once; the ERP's figure beside it is already stale.
  emitSnapshot(ctx, stock);
  // Long enough that every sku × warehouse is snapshotted at least once while it lasts.
  const duration = ctx.config.snapshotIntervalMinutes * MINUTE * ctx.rng.between(1.3, 2.5);
  ctx.at(ctx.now + duration, () => endSyncDivergence(ctx, stock));
}

export function endSyncDivergence(ctx: SimContext, stock: Stock): void {
  if (!stock.divergence) return;
  stock.erpOnHand -= stock.divergence.loss;
  stock.divergence.fault.endTs = ctx.now;
  stock.lastDivergence = stock.divergence.fault;
  stock.divergence = null;
  reviewReplenishment(ctx, stock);
}

export function emitSnapshot(ctx: SimContext, stock: Stock): void {
  const label = stock.divergence?.fault ?? null;
  const warehouse = ctx.world.warehouses[stock.wh].code;
  ctx.emit({ type: 'inventory.snapshot', source: 'erp', sku: stock.sku.id, warehouse, attrs: { system: 'erp', onHand: stock.erpOnHand, available: stock.erpOnHand - stock.reserved } }, label);
  ctx.emit({ type: 'inventory.snapshot', source: 'wms', sku: stock.sku.id, warehouse, attrs: { system: 'wms', onHand: stock.phys, available: stock.phys - stock.reserved } }, label);
}

/** Once a minute: snapshot the slice of sku × warehouse pairs due, and sync each warehouse. */
export function startInventoryCycle(ctx: SimContext): void {
  const slices = ctx.config.snapshotIntervalMinutes;
  const total = ctx.stock.length;
  let minute = 0;
  const tick = (): void => {
    const k = minute % slices;
    for (let i = Math.floor((k * total) / slices); i < Math.floor(((k + 1) * total) / slices); i++) emitSnapshot(ctx, ctx.stock[i]);
    for (const wh of ctx.world.warehouses) sendMessage(ctx, 'wms_inventory_sync', { warehouse: wh.code });
    minute++;
    ctx.at(ctx.now + MINUTE, tick);
  };
  ctx.at(ctx.now + MINUTE, tick);
}
