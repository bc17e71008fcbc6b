// The append-only audit log (DESIGN.md §5): every detection, recommendation shown, action,
// approval, rejection and connector call, with actor, time and versions. There is no
// update or delete path anywhere in the code; the API only reads it.
import type { ClickHouseClient } from '@clickhouse/client';
import { filter, type Observable, type Subscription } from 'rxjs';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { toChTime } from '../store/eventRow.ts';
import { randomId } from '../auth/secrets.ts';
import { BatchWriter } from './batchWriter.ts';

export const AUDIT_KINDS = [
  'detection',
  'recommendation.shown',
  'state.changed',
  'action.requested',
  'action.recorded',
  'approval.requested',
  'approval.approved',
  'approval.rejected',
  'connector.call',
  'connector.succeeded',
  'connector.dead_letter',
  'connector.replay',
  'config.changed',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export type AuditEntry = {
  kind: AuditKind;
  actor: string;
  exceptionId?: string;
  orderIds?: string[];
  exceptionVersion?: number;
  action?: string;
  approvalId?: string;
  outcome?: string;
  reason?: string;
  modelVersion?: string;
  confidence?: number;
  data?: unknown;
};

/** Versions made by people and the tower's own execution carry these actor prefixes; everything else is a detector. */
export const isDetectorVersion = (x: ExceptionRecord) => !/^(usr_|key_|system:)/.test(x.actor);

export class AuditLog {
  private readonly writer: BatchWriter<Record<string, unknown>>;
  constructor(
    client: ClickHouseClient,
    private readonly now: () => number,
  ) {
    this.writer = new BatchWriter((rows) => client.insert({ table: 'audit_log', values: rows, format: 'JSONEachRow' }).then(() => undefined));
  }

  record(e: AuditEntry): Promise<void> {
    return this.writer.write({
      id: randomId('aud'),
      at: toChTime(new Date(this.now()).toISOString()),
      kind: e.kind,
      actor: e.actor,
      exception_id: e.exceptionId ?? '',
      order_ids: e.orderIds ?? [],
      exception_version: e.exceptionVersion ?? 0,
      action: e.action ?? '',
      approval_id: e.approvalId ?? '',
      outcome: e.outcome ?? '',
      reason: e.reason ?? '',
      model_version: e.modelVersion ?? '',
      confidence: e.confidence ?? 0,
      data: e.data === undefined ? '' : JSON.stringify(e.data),
    });
  }

  /** Audits every version a detector commits (new, updated, auto-resolved, reopened). */
  followDetections(changes$: Observable<ExceptionRecord>): Subscription {
    return changes$.pipe(filter(isDetectorVersion)).subscribe((x) => {
      void this.record({
        kind: 'detection',
        actor: x.actor,
        exceptionId: x.id,
        orderIds: x.orderIds,
        exceptionVersion: x.version,
        outcome: x.change,
        modelVersion: `${x.detector.name}@${x.detector.version}`,
        confidence: x.confidence,
        data: { status: x.status, priority: x.priority, severity: x.severity, thresholds: x.thresholds, evidence: x.evidence },
      }).catch(() => undefined);
    });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
