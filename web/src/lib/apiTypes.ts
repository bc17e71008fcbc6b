// Shapes of REST answers whose server side lives on other branches (triage, kpi). They follow
// DESIGN.md §5–6; each is aligned with the server's code when that code is merged.
import type { ExceptionRecord } from '../../../server/contracts/exception.ts';

export type ExceptionPage = { items: ExceptionRecord[]; nextCursor?: string | null };

export type TimelineEntry = { at: string; kind: string; actor?: string; summary: string; eventId?: string; version?: number };

export type Recommendation = { action: string; label?: string; rationale?: string; confidence: number; ruleVersion?: string };

export type AllowedAction = { action: string; label?: string; policy: 'auto' | 'approval' | 'recommend_only'; approverRole?: string; risk?: string; allowed: boolean; reason?: string };

export type ApprovalRequest = {
  id: string;
  exceptionId: string;
  action: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  requestedBy: string;
  requestedAt: string;
  approverRole: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  params?: Record<string, unknown>;
  exceptionTitle?: string;
  revenueAtRisk?: number;
  currency?: string;
};

export type AuditEntry = { id?: string; at: string; actor: string; kind: string; exceptionId?: string; action?: string; summary?: string; details?: Record<string, unknown> };

export type ExceptionDetail = {
  exception: ExceptionRecord;
  timeline?: TimelineEntry[];
  evidence?: { id: string; ts: string; type: string; source?: string; summary?: string }[];
  recommendations?: Recommendation[];
  actions?: AllowedAction[];
  approvals?: ApprovalRequest[];
  audit?: AuditEntry[];
  order?: Record<string, unknown>;
};

export type ActionResult = { status: string; exception?: ExceptionRecord; approval?: ApprovalRequest };

export type KpiSeries = { metric: string; step: number; points: { t: string; value: number | null }[] };
