// credit_hold: a credit check answers `hold`, an order is held with holdCode credit, or an
// overdue balance over threshold arrives. One customer's credit problem is one exception
// linking every order it holds; it resolves itself when no order of the customer is held for
// credit any more and no overdue balance is left.
import { z } from 'zod';
import { ExpiringMap } from '../state/expiringMap.ts';
import { extraAttr, signalFactory, type Detector, type Signal } from '../signal.ts';

export const creditHoldConfig = z
  .object({
    /** payment.overdue amounts above this open a credit exception before any order is held. */
    overdueAmountThreshold: z.number().min(0).default(0),
    /** … when at least this many days past due. */
    overdueDaysThreshold: z.number().min(0).default(30),
    stateTtlHours: z.number().positive().default(30 * 24),
    maxKeys: z.number().int().positive().default(100_000),
  })
  .default({ overdueAmountThreshold: 0, overdueDaysThreshold: 30, stateTtlHours: 30 * 24, maxKeys: 100_000 });

export type CreditHoldConfig = z.infer<typeof creditHoldConfig>;

type Episode = { held: Set<string>; overdue: number; open: boolean };

export function createCreditHoldDetector(config: CreditHoldConfig): Detector {
  const name = 'credit_hold';
  const version = '1.0.0';
  const signal = signalFactory(name, version, 'credit_hold');
  const customers = new ExpiringMap<string, Episode>(config.stateTtlHours * 3_600_000, config.maxKeys);
  /** Which customer an order on credit hold belongs to (order.released may lack customerId). */
  const orderCustomer = new ExpiringMap<string, string>(config.stateTtlHours * 3_600_000, config.maxKeys);
  // Read on every use (not captured): an admin's threshold change applies to the running detector (DetectionEngine.applyConfig).
  const thresholds = () => ({ overdueAmountThreshold: config.overdueAmountThreshold, overdueDaysThreshold: config.overdueDaysThreshold });

  const episodeOf = (customerId: string, ts: number) => customers.touch(customerId, ts) ?? customers.set(customerId, { held: new Set(), overdue: 0, open: false }, ts);

  function raise(customerId: string, ep: Episode, ts: number, evidence: string, out: Signal[], extra: Partial<Signal>): void {
    out.push(
      signal(ep.open ? 'update' : 'open', `credit:${customerId}`, ts, [evidence], {
        customerId,
        thresholds: thresholds(),
        title: `Credit hold: customer ${customerId}`,
        confidence: 0.98,
        ...extra,
        details: { heldOrders: ep.held.size, overdueBalance: ep.overdue, ...extra.details },
      }),
    );
    ep.open = true;
  }

  function maybeResolve(customerId: string, ep: Episode, ts: number, evidence: string, out: Signal[]): void {
    if (!ep.open || ep.held.size > 0 || ep.overdue > 0) return;
    ep.open = false;
    customers.delete(customerId);
    out.push(signal('resolve', `credit:${customerId}`, ts, [evidence], { customerId, thresholds: thresholds(), details: { reason: 'no order held for credit and nothing overdue' } }));
  }

  function hold(customerId: string, orderId: string, ts: number, evidence: string, out: Signal[], details: Record<string, unknown>): void {
    const ep = episodeOf(customerId, ts);
    ep.held.add(orderId);
    orderCustomer.set(orderId, customerId, ts);
    raise(customerId, ep, ts, evidence, out, { orderIds: [orderId], details });
  }

  return {
    name,
    version,
    type: 'credit_hold',
    onEvent(event, ts, out) {
      switch (event.type) {
        case 'order.credit_checked':
          if (event.attrs.result === 'hold') {
            const a = event.attrs;
            hold(event.customerId, event.orderId, ts, event.id, out, { exposure: a.exposure, creditLimit: a.creditLimit, overdueBalance: a.overdueBalance, daysPastDue: a.daysPastDue });
          }
          return;
        case 'order.held': {
          if (event.attrs.holdCode !== 'credit') return;
          const customerId = event.customerId ?? orderCustomer.get(event.orderId);
          if (customerId) hold(customerId, event.orderId, ts, event.id, out, {});
          return;
        }
        case 'order.released':
        case 'order.cancelled': {
          if (event.type === 'order.released' && event.attrs.holdCode !== 'credit') return;
          const customerId = orderCustomer.get(event.orderId);
          if (!customerId) return;
          orderCustomer.delete(event.orderId);
          const ep = customers.touch(customerId, ts);
          if (!ep) return;
          ep.held.delete(event.orderId);
          maybeResolve(customerId, ep, ts, event.id, out);
          return;
        }
        case 'payment.overdue': {
          const amount = event.amount ?? 0;
          const daysAttr = extraAttr(event.attrs, 'daysPastDue');
          const days = typeof daysAttr === 'number' ? daysAttr : 0;
          if (amount <= config.overdueAmountThreshold || days < config.overdueDaysThreshold) return;
          const ep = episodeOf(event.customerId, ts);
          ep.overdue += amount;
          raise(event.customerId, ep, ts, event.id, out, { details: { overdueAmount: amount, daysPastDue: days } });
          return;
        }
        case 'payment.received': {
          const ep = customers.touch(event.customerId, ts);
          if (!ep || ep.overdue <= 0) return;
          ep.overdue = Math.max(0, ep.overdue - (event.amount ?? 0));
          maybeResolve(event.customerId, ep, ts, event.id, out);
          return;
        }
        default:
      }
    },
    onTime(watermark) {
      customers.sweep(watermark);
      orderCustomer.sweep(watermark);
    },
    stateSizes: () => ({ customers: customers.size, heldOrders: orderCustomer.size }),
  };
}
