// The priority formula (docs/priority.md). Versioned: any change to a weight, a scale or
// a term bumps FORMULA_VERSION so stored priorities can be explained by the formula that
// made them. Every term is a value in [0, 1] times a weight; the weights add up to 100,
// so the priority is the sum of the contributions and the web app can show each part.
import type { CustomerTier, ExceptionType, Severity } from '../contracts/exception.ts';
import type { Triage, TriageInput, TriageResult } from '../contracts/triage.ts';
import { routeException, type RoutingRule } from './routing.ts';

export const FORMULA_VERSION = 'priority-v1';

export const WEIGHTS = { revenue: 30, tier: 20, urgency: 25, sameDay: 10, typeImpact: 15 } as const;

/** Revenue at which the revenue term saturates (log scale: 1k ≈ 0.6, 10k ≈ 0.8). */
export const REVENUE_CAP = 100_000;
export const TIER_VALUE: Record<CustomerTier, number> = { strategic: 1, A: 0.75, B: 0.45, C: 0.2 };
/** An exception whose customer tier is unknown ranks like a B-minus account, not like nothing. */
export const UNKNOWN_TIER_VALUE = 0.35;
/** Hours left at which the urgency term halves: 1 / (1 + hoursLeft / URGENCY_HALF_HOURS). */
export const URGENCY_HALF_HOURS = 4;
/** Urgency when no SLA date is known: a standing problem, not a ticking one. */
export const NO_SLA_URGENCY = 0.2;
export const MARGIN_CAP = 10_000;
export const EXPOSURE_CAP = 1_000_000;
export const AFFECTED_ORDERS_CAP = 100;

/** How much harm the type does by itself when it has no type-specific measure. */
export const TYPE_BASE: Record<ExceptionType, number> = {
  backorder: 0.5,
  inventory_sync_divergence: 0.4,
  pricing_discrepancy: 0.3,
  credit_hold: 0.4,
  shipment_delay: 0.5,
  carrier_failure: 0.6,
  duplicate_order: 0.5,
  missing_master_data: 0.3,
  routing_violation: 0.3,
  integration_failure: 0.6,
  order_anomaly: 0.3,
};

export const SEVERITY_FLOORS: { severity: Severity; min: number }[] = [
  { severity: 'critical', min: 75 },
  { severity: 'high', min: 50 },
  { severity: 'medium', min: 25 },
  { severity: 'low', min: 0 },
];

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
/** log10(1 + x) / log10(1 + cap): small amounts still count, huge ones do not swamp the rest. */
const logScale = (x: number, cap: number) => clamp01(Math.log10(1 + Math.max(0, x)) / Math.log10(1 + cap));
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function urgencyTerm(slaDueAt: string | undefined, nowMs: number): number {
  if (!slaDueAt) return NO_SLA_URGENCY;
  const due = Date.parse(slaDueAt);
  if (Number.isNaN(due)) return NO_SLA_URGENCY;
  const hoursLeft = (due - nowMs) / 3_600_000;
  if (hoursLeft <= 0) return 1; // already breached
  return clamp01(1 / (1 + hoursLeft / URGENCY_HALF_HOURS));
}

/**
 * The type-specific harm: margin lost for pricing, credit exposure for credit holds, the
 * number of affected orders for incidents that touch many orders, else the type's base.
 */
export function typeImpactTerm(input: TriageInput): number {
  const d = input.details;
  const margin = num(d.marginImpact);
  if (input.type === 'pricing_discrepancy' && margin !== undefined) return logScale(Math.abs(margin), MARGIN_CAP);
  const exposure = num(d.exposure);
  if (input.type === 'credit_hold' && exposure !== undefined) return logScale(exposure, EXPOSURE_CAP);
  const affected = num(d.affectedOrders) ?? (input.orderIds.length > 1 ? input.orderIds.length : undefined);
  if (affected !== undefined && affected > 1) return Math.max(TYPE_BASE[input.type], logScale(affected, AFFECTED_ORDERS_CAP));
  return TYPE_BASE[input.type];
}

export function severityOf(priority: number): Severity {
  return SEVERITY_FLOORS.find((f) => priority >= f.min)!.severity;
}

export function createTriage(routingRules: readonly RoutingRule[] = []): Triage {
  return (input: TriageInput, nowMs: number): TriageResult => {
    const values = {
      revenue: logScale(input.revenueAtRisk, REVENUE_CAP),
      tier: input.customerTier ? TIER_VALUE[input.customerTier] : UNKNOWN_TIER_VALUE,
      urgency: urgencyTerm(input.slaDueAt, nowMs),
      sameDay: input.details.sameDay === true ? 1 : 0,
      typeImpact: typeImpactTerm(input),
    };
    const parts: TriageResult['parts'] = {};
    let total = 0;
    for (const key of Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]) {
      const contribution = Math.round(values[key] * WEIGHTS[key] * 10) / 10;
      parts[key] = { value: Math.round(values[key] * 1000) / 1000, weight: WEIGHTS[key], contribution };
      total += values[key] * WEIGHTS[key];
    }
    const priority = Math.max(0, Math.min(100, Math.round(total)));
    return { priority, severity: severityOf(priority), team: routeException(input, routingRules), formulaVersion: FORMULA_VERSION, parts };
  };
}

/** The formula with the default routing table; the server builds one with configured rules. */
export const triageException: Triage = createTriage();
