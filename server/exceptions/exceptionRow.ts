// Maps an ExceptionRecord to an exception_log row and back.
import type { ExceptionRecord } from '../contracts/exception.ts';
import { fromChTime, toChTime } from '../store/eventRow.ts';

export type ExceptionRow = Record<string, unknown>;

const chTime = (iso: string | undefined) => (iso ? toChTime(iso) : null);
const isoTime = (ch: unknown) => (typeof ch === 'string' && ch ? fromChTime(ch) : undefined);
const opt = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function toExceptionRow(x: ExceptionRecord): ExceptionRow {
  return {
    exception_id: x.id,
    version: x.version,
    updated_at: toChTime(x.updatedAt),
    type: x.type,
    status: x.status,
    severity: x.severity,
    priority: Math.max(0, Math.min(100, Math.round(x.priority))),
    team: x.team,
    correlation_key: x.correlationKey,
    title: x.title,
    detected_at: toChTime(x.detectedAt),
    acknowledged_at: chTime(x.acknowledgedAt),
    resolved_at: chTime(x.resolvedAt),
    order_ids: x.orderIds,
    customer_id: x.customerId ?? '',
    customer_tier: x.customerTier ?? '',
    sku: x.sku ?? '',
    warehouse: x.warehouse ?? '',
    carrier: x.carrier ?? '',
    interface: x.interface ?? '',
    revenue_at_risk: x.revenueAtRisk,
    currency: x.currency,
    sla_due_at: chTime(x.slaDueAt),
    evidence: x.evidence,
    detector: x.detector.name,
    detector_version: x.detector.version,
    thresholds: JSON.stringify(x.thresholds),
    confidence: x.confidence,
    resolution_reason: x.resolutionReason ?? '',
    actor: x.actor,
    change: x.change,
    details: JSON.stringify(x.details),
  };
}

export function fromExceptionRow(r: ExceptionRow): ExceptionRecord {
  const record: ExceptionRecord = {
    id: String(r.exception_id),
    version: Number(r.version),
    type: r.type as ExceptionRecord['type'],
    status: r.status as ExceptionRecord['status'],
    severity: r.severity as ExceptionRecord['severity'],
    priority: Number(r.priority),
    team: r.team as ExceptionRecord['team'],
    correlationKey: String(r.correlation_key),
    title: String(r.title),
    detectedAt: isoTime(r.detected_at)!,
    updatedAt: isoTime(r.updated_at)!,
    acknowledgedAt: isoTime(r.acknowledged_at),
    resolvedAt: isoTime(r.resolved_at),
    orderIds: r.order_ids as string[],
    customerId: opt(r.customer_id),
    customerTier: opt(r.customer_tier) as ExceptionRecord['customerTier'],
    sku: opt(r.sku),
    warehouse: opt(r.warehouse),
    carrier: opt(r.carrier),
    interface: opt(r.interface),
    revenueAtRisk: Number(r.revenue_at_risk),
    currency: String(r.currency),
    slaDueAt: isoTime(r.sla_due_at),
    evidence: r.evidence as string[],
    detector: { name: String(r.detector), version: String(r.detector_version) },
    thresholds: JSON.parse(String(r.thresholds || '{}')),
    confidence: Number(r.confidence),
    resolutionReason: opt(r.resolution_reason) as ExceptionRecord['resolutionReason'],
    actor: String(r.actor),
    change: String(r.change),
    details: JSON.parse(String(r.details || '{}')),
  };
  for (const k of Object.keys(record) as (keyof ExceptionRecord)[]) if (record[k] === undefined) delete record[k];
  return record;
}
