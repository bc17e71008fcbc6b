// Who owns an exception: the default owner team per type (DESIGN.md §4) and, in front of
// it, configurable rules (first match wins) so an operator can send, say, every
// strategic-account backorder in DC-EAST to customer service without a code change.
import { z } from 'zod';
import { CUSTOMER_TIERS, TEAMS, type ExceptionType, type Team } from '../contracts/exception.ts';
import { EXCEPTION_TYPES } from '../events/schema.ts';
import type { TriageInput } from '../contracts/triage.ts';

export const DEFAULT_TEAM: Record<ExceptionType, Team> = {
  backorder: 'warehouse',
  inventory_sync_divergence: 'warehouse',
  pricing_discrepancy: 'pricing',
  credit_hold: 'finance',
  shipment_delay: 'transportation',
  carrier_failure: 'transportation',
  duplicate_order: 'customer_service',
  missing_master_data: 'master_data',
  routing_violation: 'transportation',
  integration_failure: 'it',
  order_anomaly: 'customer_service',
};

export const routingRuleSchema = z
  .object({
    team: z.enum(TEAMS),
    when: z
      .object({
        type: z.enum(EXCEPTION_TYPES).optional(),
        customerTier: z.enum(CUSTOMER_TIERS).optional(),
        customerId: z.string().optional(),
        warehouse: z.string().optional(),
        carrier: z.string().optional(),
        interface: z.string().optional(),
        /** Matches when `details[key]` is strictly equal to the value (e.g. `{ "stale": true }`). */
        details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        minRevenueAtRisk: z.number().min(0).optional(),
      })
      .strict(),
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;
export const routingRulesSchema = z.array(routingRuleSchema);

/**
 * Built-in refinements of the default table: a stale ERP↔WMS sync is an integration
 * problem (it), a carrier API outage is it's too; a divergence with fresh syncs stays
 * with the warehouse, and delivery failures with transportation.
 */
export const BUILTIN_RULES: RoutingRule[] = [
  { team: 'it', when: { type: 'inventory_sync_divergence', details: { stale: true } } },
  { team: 'it', when: { type: 'carrier_failure', details: { kind: 'api_outage' } } },
];

/** The facts routing can look at: the triage input plus the dimensions of the exception. */
export type RoutingFacts = TriageInput & { warehouse?: string; carrier?: string; interface?: string };

function matches(rule: RoutingRule, f: RoutingFacts): boolean {
  const w = rule.when;
  if (w.type !== undefined && w.type !== f.type) return false;
  if (w.customerTier !== undefined && w.customerTier !== f.customerTier) return false;
  if (w.customerId !== undefined && w.customerId !== f.customerId) return false;
  if (w.warehouse !== undefined && w.warehouse !== (f.warehouse ?? f.details.warehouse)) return false;
  if (w.carrier !== undefined && w.carrier !== (f.carrier ?? f.details.carrier)) return false;
  if (w.interface !== undefined && w.interface !== (f.interface ?? f.details.interface)) return false;
  if (w.minRevenueAtRisk !== undefined && !(f.revenueAtRisk >= w.minRevenueAtRisk)) return false;
  if (w.details) for (const [k, v] of Object.entries(w.details)) if (f.details[k] !== v) return false;
  return true;
}

/** Configured rules first, then the built-in refinements, then the default table. */
export function routeException(facts: RoutingFacts, rules: readonly RoutingRule[] = []): Team {
  for (const rule of rules) if (matches(rule, facts)) return rule.team;
  for (const rule of BUILTIN_RULES) if (matches(rule, facts)) return rule.team;
  return DEFAULT_TEAM[facts.type];
}

/** Parses rules from configuration (JSON text), naming the rule and field that is wrong. */
export function parseRoutingRules(text: string | undefined): RoutingRule[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`routing rules are not valid JSON: ${(err as Error).message}`);
  }
  const parsed = routingRulesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`routing rule ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
