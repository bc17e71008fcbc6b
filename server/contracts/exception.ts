// The exception record shared by detection, triage, actions, KPIs and the web app
// (DESIGN.md §4–5). One row per state change is appended to `exception_log`; the
// current state of each exception is its highest version.
import type { EXCEPTION_TYPES } from '../events/schema.ts';

export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export const EXCEPTION_STATUSES = ['open', 'acknowledged', 'in_progress', 'pending_approval', 'resolved', 'dismissed'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExceptionStatus[] = ['resolved', 'dismissed'];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TEAMS = ['warehouse', 'it', 'pricing', 'finance', 'transportation', 'customer_service', 'master_data'] as const;
export type Team = (typeof TEAMS)[number];

export const CUSTOMER_TIERS = ['strategic', 'A', 'B', 'C'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export const DISMISS_REASONS = ['false_positive', 'duplicate', 'not_actionable'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

/** Why a state changed; `auto` is a resolution by the resolving event itself. */
export type ResolutionReason = 'auto' | 'manual' | DismissReason;

export interface ExceptionRecord {
  id: string;
  version: number;
  type: ExceptionType;
  status: ExceptionStatus;
  severity: Severity;
  priority: number; // 0–100
  team: Team;
  /** Root-cause key: one root cause makes one exception (e.g. `carrier:UPS`, `order:O-1`). */
  correlationKey: string;
  title: string;
  detectedAt: string; // ISO, event time
  updatedAt: string; // ISO, time of this version
  acknowledgedAt?: string;
  resolvedAt?: string;
  orderIds: string[];
  customerId?: string;
  customerTier?: CustomerTier;
  sku?: string;
  warehouse?: string;
  carrier?: string;
  interface?: string;
  revenueAtRisk: number;
  currency: string;
  slaDueAt?: string;
  /** Ids of the events that triggered or updated it. */
  evidence: string[];
  detector: { name: string; version: string };
  thresholds: Record<string, number>;
  confidence: number; // 0–1
  resolutionReason?: ResolutionReason;
  /** Who made this change: a user id, `system`, or a detector name. */
  actor: string;
  /** What this version changed: detected, updated, acknowledged, resolved, … */
  change: string;
  /** Type-specific facts and the parts of the priority formula. */
  details: Record<string, unknown>;
}
