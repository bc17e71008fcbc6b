// What detection hands to triage, and what triage answers (DESIGN.md §5). The detection
// engine calls a `Triage` function for every new or changed exception; the formula lives
// in server/triage and is versioned, and its parts travel with the exception so the
// web app can explain "why is this first".
import type { CustomerTier, ExceptionType, Severity, Team } from './exception.ts';

export type TriageInput = {
  type: ExceptionType;
  detectedAt: string;
  orderIds: string[];
  customerId?: string;
  customerTier?: CustomerTier;
  /** Value of the affected order lines, each line once. */
  revenueAtRisk: number;
  /** When the customer promise is broken if nothing is done (ISO). */
  slaDueAt?: string;
  /** Type-specific facts: marginImpact, exposure, sameDay, affectedOrders, … */
  details: Record<string, unknown>;
};

export type TriageResult = {
  priority: number; // 0–100
  severity: Severity;
  team: Team;
  formulaVersion: string;
  /** Each term of the formula with its weight and contribution. */
  parts: Record<string, { value: number; weight: number; contribution: number }>;
};

export type Triage = (input: TriageInput, nowMs: number) => TriageResult;
