// Suggested parameters and conditions for an action, computed from facts the detectors
// put in the exception's `details` (keys listed in docs/recommendations.md). A suggestion
// is advice shown with the recommendation; the person (or policy) still decides.
import type { ExceptionRecord } from '../contracts/exception.ts';

export type Suggestion = { params: Record<string, string | number | boolean>; conditions: string[] };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const round2 = (v: number) => Math.round(v * 100) / 100;

type Alternative = { warehouse: string; available: number; freightCost?: number };
type AlternateCarrier = { carrier: string; transitHours?: number; onTimeRate?: number; cost?: number };

const list = <T>(v: unknown, valid: (o: Record<string, unknown>) => boolean): T[] =>
  Array.isArray(v) ? (v.filter((o) => o && typeof o === 'object' && valid(o as Record<string, unknown>)) as T[]) : [];

/** Credit: release up to what the limit allows; overdue balances become conditions. */
function credit(x: ExceptionRecord, action: string): Suggestion | undefined {
  const limit = num(x.details.creditLimit);
  const exposure = num(x.details.exposure);
  const orderValue = num(x.details.orderValue) ?? x.revenueAtRisk;
  if (limit === undefined || exposure === undefined) return undefined;
  // `exposure` as the ERP's credit check reports it includes this order.
  const available = Math.max(0, limit - (exposure - orderValue));
  const conditions: string[] = [];
  const overdue = num(x.details.overdueBalance) ?? 0;
  const daysPastDue = num(x.details.daysPastDue) ?? 0;
  if (overdue > 0) conditions.push(`collect or promise-to-pay the overdue balance of ${round2(overdue)} ${x.currency}${daysPastDue ? ` (${daysPastDue} days past due)` : ''}`);
  if (action === 'partial_release') {
    const maxAmount = round2(Math.min(orderValue, available));
    conditions.unshift(maxAmount > 0 ? `release up to ${maxAmount} ${x.currency} of ${round2(orderValue)} (available credit)` : 'no credit available: a partial release would still exceed the limit');
    return { params: { maxAmount }, conditions };
  }
  if (action === 'release_hold') {
    const over = exposure - limit;
    conditions.unshift(over > 0 ? `releasing puts the customer ${round2(over)} ${x.currency} over the limit of ${round2(limit)}` : `within the credit limit (${round2(limit - exposure)} ${x.currency} headroom after release)`);
    return { params: {}, conditions };
  }
  return undefined;
}

/** Backorder: the alternate warehouse that covers the shortage at the lowest freight; strategic and A accounts may take a partial cover. */
function reallocate(x: ExceptionRecord): Suggestion | undefined {
  const need = num(x.details.qtyShort) ?? num(x.details.qtyBackordered);
  const alternatives = list<Alternative>(x.details.alternatives, (o) => typeof o.warehouse === 'string' && typeof o.available === 'number').filter((a) => a.warehouse !== x.warehouse && a.available > 0);
  if (!alternatives.length || need === undefined) return undefined;
  const byFreight = (a: Alternative, b: Alternative) => (a.freightCost ?? Infinity) - (b.freightCost ?? Infinity) || b.available - a.available;
  const covering = alternatives.filter((a) => a.available >= need).sort(byFreight);
  if (covering.length) {
    const best = covering[0];
    return { params: { warehouse: best.warehouse }, conditions: [`${best.warehouse} has ${best.available} available for ${need} short${best.freightCost !== undefined ? `, freight ${best.freightCost} ${x.currency}` : ''}`] };
  }
  if (x.customerTier === 'strategic' || x.customerTier === 'A') {
    const most = [...alternatives].sort((a, b) => b.available - a.available)[0];
    return { params: { warehouse: most.warehouse }, conditions: [`no warehouse covers all ${need}; ${most.warehouse} covers ${most.available} (partial, priority customer)`] };
  }
  return { params: {}, conditions: [`no alternate warehouse covers ${need}; consider partial ship`] };
}

/** Carrier: the alternate that meets the time left to the SLA with the best on-time rate, then the lowest cost. */
function reroute(x: ExceptionRecord, nowMs: number): Suggestion | undefined {
  const carriers = list<AlternateCarrier>(x.details.alternateCarriers, (o) => typeof o.carrier === 'string').filter((c) => c.carrier !== x.carrier);
  if (!carriers.length) return undefined;
  const hoursLeft = x.slaDueAt ? (Date.parse(x.slaDueAt) - nowMs) / 3_600_000 : Infinity;
  const inTime = carriers.filter((c) => c.transitHours === undefined || c.transitHours <= hoursLeft);
  const pool = inTime.length ? inTime : carriers;
  const best = [...pool].sort((a, b) => (b.onTimeRate ?? 0) - (a.onTimeRate ?? 0) || (a.cost ?? Infinity) - (b.cost ?? Infinity))[0];
  const conditions = [
    inTime.length
      ? `${best.carrier} meets the SLA${best.transitHours !== undefined ? ` (${best.transitHours} h transit, ${Math.max(0, Math.floor(hoursLeft))} h left)` : ''}${best.onTimeRate !== undefined ? `, on-time ${Math.round(best.onTimeRate * 100)}%` : ''}`
      : `no alternate meets the SLA; ${best.carrier} is the most reliable`,
  ];
  return { params: { toCarrier: best.carrier }, conditions };
}

export function suggestConditions(x: ExceptionRecord, action: string, nowMs: number): Suggestion | undefined {
  switch (action) {
    case 'release_hold':
    case 'partial_release':
      return credit(x, action);
    case 'reallocate':
      return reallocate(x);
    case 'reroute':
      return reroute(x, nowMs);
    case 'apply_contract_price': {
      const price = num(x.details.contractPrice);
      return price === undefined ? undefined : { params: { contractPrice: price }, conditions: [`set the unit price to the contract price ${price}${num(x.details.unitPrice) !== undefined ? ` (order has ${x.details.unitPrice})` : ''}`] };
    }
    default:
      return undefined;
  }
}
