// What impact needs to know about orders, kept from the event stream itself (the ERP stays the
// system of record; this is a bounded cache): each order's lines × unit price (from
// order.created, corrected by order.priced), customer tier, same-day commitment, promise and
// currency. Orders are forgotten `ttl` after creation (an exception keeps the value it took).
import type { DetectEvent } from './signal.ts';
import type { CustomerTier } from '../contracts/exception.ts';
import { ExpiringMap } from './state/expiringMap.ts';

export type OrderFacts = {
  customerId: string;
  tier?: CustomerTier;
  sameDay?: boolean;
  promisedShip?: number;
  currency?: string;
  lineIds: string[];
  lineQty: number[];
  lineValues: number[];
};

export class OrderContext {
  private readonly orders: ExpiringMap<string, OrderFacts>;
  private readonly tiers: ExpiringMap<string, CustomerTier>;

  constructor(ttlMs: number, maxOrders: number) {
    this.orders = new ExpiringMap(ttlMs, maxOrders);
    this.tiers = new ExpiringMap(ttlMs * 4, Math.max(1000, maxOrders / 4));
  }

  get size(): number {
    return this.orders.size;
  }

  get customers(): number {
    return this.tiers.size;
  }

  observe(event: DetectEvent, ts: number): void {
    if (event.type === 'order.created') {
      const a = event.attrs;
      const promised = a.promisedShipDate ? Date.parse(a.promisedShipDate) : NaN;
      this.orders.set(
        event.orderId,
        {
          customerId: event.customerId,
          tier: a.customerTier,
          sameDay: a.sameDay,
          promisedShip: Number.isNaN(promised) ? undefined : promised,
          currency: event.currency,
          lineIds: a.lines.map((l) => l.lineId),
          lineQty: a.lines.map((l) => l.qty),
          lineValues: a.lines.map((l) => l.qty * (l.unitPrice ?? 0)),
        },
        ts,
      );
      if (a.customerTier) this.tiers.set(event.customerId, a.customerTier, ts);
      return;
    }
    if (!('orderId' in event) || !event.orderId) return;
    // Lifetime counts from creation: late payments must not keep an old order in memory.
    const facts = this.orders.get(event.orderId);
    if (!facts || event.type !== 'order.priced') return;
    const lineId = event.lineId ?? event.attrs.lineId;
    const i = lineId === undefined ? -1 : facts.lineIds.indexOf(lineId);
    if (i < 0) return;
    facts.lineValues[i] = (event.qty ?? facts.lineQty[i]) * event.attrs.unitPrice;
    if (event.currency) facts.currency = event.currency;
  }

  get(orderId: string): OrderFacts | undefined {
    return this.orders.get(orderId);
  }

  tierOf(customerId: string): CustomerTier | undefined {
    return this.tiers.get(customerId);
  }

  /** Value of the given lines of an order ('all' = every line). */
  value(orderId: string, lines: readonly string[] | 'all'): number | undefined {
    const facts = this.orders.get(orderId);
    if (!facts) return undefined;
    if (lines === 'all') return facts.lineValues.reduce((s, v) => s + v, 0);
    let sum = 0;
    for (const id of lines) {
      const i = facts.lineIds.indexOf(id);
      if (i >= 0) sum += facts.lineValues[i];
    }
    return sum;
  }

  sweep(now: number): void {
    this.orders.sweep(now);
    this.tiers.sweep(now);
  }
}
