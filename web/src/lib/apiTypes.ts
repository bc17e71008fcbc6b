// Shapes of REST answers, from the server's own types where they are exported.
import type { ExceptionRecord, ExceptionStatus } from '../../../server/contracts/exception.ts';
import type { NamedApproval } from '../../../server/actions/approvalNames.ts';
import type { AuditRecord } from '../../../server/actions/searchAudit.ts';
import type { Recommendation } from '../../../server/triage/recommend.ts';
import type { CtEvent } from '../../../server/events/schema.ts';
import type { IntegrationRow } from '../../../server/kpi/kpiTypes.ts';
import type { DetectorConfigVersion } from '../../../server/detect/configVersion.ts';
import type { Policy, Risk } from '../../../server/triage/catalogue.ts';

export type { AuditRecord, Recommendation };
export type ApprovalRequest = NamedApproval;

export type ExceptionPage = { items: ExceptionRecord[]; nextCursor: string | null };

export type ExceptionDetail = {
  exception: ExceptionRecord;
  allowedMoves: ExceptionStatus[];
  /** Every version of the exception, oldest first. */
  timeline: ExceptionRecord[];
  evidence: CtEvent[];
  recommendations: Recommendation;
  approvals: NamedApproval[];
  audit: AuditRecord[];
};

export type ActionResult = { outcome?: string; approvalId?: string; requiredRole?: string; exceptionVersion?: number; note?: string; exception?: ExceptionRecord; deliveryId?: string };

export type KpiSeries = { metric: string; step: number; from: string; to: string; points: { t: string; v: number | null }[] };

export type IntegrationsAnswer = { from: string; to: string; interfaces: IntegrationRow[] };

export type DetectorConfigAnswer = {
  version: string;
  revision: number;
  detectors: { name: string; version: string; type: string }[];
  config: Record<string, unknown>;
  /** Keys read only when state is built: a change takes effect at the next restart. */
  restartKeys: string[];
  /** Such keys changed since the server started. */
  pendingRestart: string[];
};
export type { ConfigUpdate } from '../../../server/detect/detectorSettings.ts';
export type ConfigVersion = Omit<DetectorConfigVersion, 'config'>;
export type ActionPolicy = { action: string; label: string; risk: Risk; policy: Policy; requestRoles: string[]; connector: string | null; resolves: boolean };
export type ActionPolicies = { types: { type: string; actions: ActionPolicy[] }[] };
