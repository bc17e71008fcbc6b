// Turns a signal into the next version of an exception: merges evidence and linked orders
// (bounded), values the affected lines (each line once), asks triage for priority, severity and
// team, and records the detector, its thresholds and confidence.
import { createHash } from 'node:crypto';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { Triage } from '../contracts/triage.ts';
import type { OrderContext } from './orderContext.ts';
import type { Signal } from './signal.ts';

export type RecordLimits = { maxEvidence: number; maxOrderIds: number; defaultCurrency: string; configVersion: string };

/** Same root cause + same opening event time → same id, so a replay recognises what it raised before. */
export function exceptionId(correlationKey: string, detectedAtMs: number): string {
  return `exc-${createHash('sha1').update(`${correlationKey}|${detectedAtMs}`).digest('hex').slice(0, 20)}`;
}

/** Keeps the first half (what triggered it) and the newest half (what keeps it going). */
export function boundEvidence(prev: readonly string[], added: readonly string[], max: number): string[] {
  const merged = [...prev];
  for (const id of added) if (!merged.includes(id)) merged.push(id);
  if (merged.length <= max) return merged;
  const head = Math.floor(max / 2);
  return [...merged.slice(0, head), ...merged.slice(merged.length - (max - head))];
}

type Impact = Record<string, { lines: string[] | 'all'; value: number }>;

function mergeImpact(prev: Impact, s: Signal, orders: OrderContext, maxOrders: number): Impact {
  const impact: Impact = { ...prev };
  const byOrder = new Map<string, string[] | 'all'>();
  for (const id of s.orderIds ?? []) byOrder.set(id, 'all');
  if (s.lines) {
    for (const l of s.lines) {
      const cur = byOrder.get(l.orderId);
      const list = Array.isArray(cur) ? cur : [];
      if (!list.includes(l.lineId)) list.push(l.lineId);
      byOrder.set(l.orderId, list);
    }
  }
  for (const [orderId, lines] of byOrder) {
    const before = impact[orderId];
    if (!before && Object.keys(impact).length >= maxOrders) continue;
    const merged: string[] | 'all' = before?.lines === 'all' || lines === 'all' ? 'all' : [...new Set([...(before?.lines ?? []), ...lines])];
    const value = orders.value(orderId, merged);
    impact[orderId] = { lines: merged, value: value ?? before?.value ?? 0 };
  }
  return impact;
}

export function nextVersion(prev: ExceptionRecord | undefined, s: Signal, orders: OrderContext, triage: Triage, limits: RecordLimits): ExceptionRecord {
  const at = new Date(s.ts).toISOString();
  const prevImpact = (prev?.details.impact as Impact | undefined) ?? {};
  const impact = s.kind === 'resolve' ? prevImpact : mergeImpact(prevImpact, s, orders, limits.maxOrderIds);
  const orderIds = Object.keys(impact);
  const revenueAtRisk = Math.round(orderIds.reduce((sum, id) => sum + impact[id].value, 0) * 100) / 100;
  const first = orderIds.length ? orders.get(orderIds[0]) : undefined;
  const customerId = prev?.customerId ?? s.customerId ?? first?.customerId;
  const customerTier = prev?.customerTier ?? (customerId ? orders.tierOf(customerId) : undefined) ?? first?.tier;
  const promises = orderIds.map((id) => orders.get(id)?.promisedShip).filter((t): t is number => t !== undefined);
  const slaMs = s.slaDueAt ?? (prev?.slaDueAt ? Date.parse(prev.slaDueAt) : promises.length ? Math.min(...promises) : undefined);
  const sameDay = orderIds.some((id) => orders.get(id)?.sameDay === true) || prev?.details.sameDay === true;
  const details: Record<string, unknown> = {
    ...prev?.details,
    ...s.details,
    impact,
    sameDay,
    affectedOrders: orderIds.length,
    lastSignalTs: s.ts,
    configVersion: limits.configVersion,
  };
  const detectedAt = prev?.detectedAt ?? at;
  const slaDueAt = slaMs !== undefined ? new Date(slaMs).toISOString() : undefined;
  const triaged = triage({ type: s.type, detectedAt, orderIds, customerId, customerTier, revenueAtRisk, slaDueAt, details }, s.ts);
  details.triage = { formulaVersion: triaged.formulaVersion, parts: triaged.parts };
  const base: ExceptionRecord = {
    id: prev?.id ?? exceptionId(s.correlationKey, s.ts),
    version: (prev?.version ?? 0) + 1,
    type: s.type,
    status: prev?.status ?? 'open',
    severity: triaged.severity,
    priority: triaged.priority,
    team: triaged.team,
    correlationKey: s.correlationKey,
    title: s.kind === 'resolve' ? (prev?.title ?? s.correlationKey) : (s.title ?? prev?.title ?? s.correlationKey),
    detectedAt,
    updatedAt: at,
    ...(prev?.acknowledgedAt ? { acknowledgedAt: prev.acknowledgedAt } : {}),
    orderIds,
    ...(customerId ? { customerId } : {}),
    ...(customerTier ? { customerTier } : {}),
    ...((s.sku ?? prev?.sku) ? { sku: s.sku ?? prev?.sku } : {}),
    ...((s.warehouse ?? prev?.warehouse) ? { warehouse: s.warehouse ?? prev?.warehouse } : {}),
    ...((s.carrier ?? prev?.carrier) ? { carrier: s.carrier ?? prev?.carrier } : {}),
    ...((s.interface ?? prev?.interface) ? { interface: s.interface ?? prev?.interface } : {}),
    revenueAtRisk,
    currency: (first?.currency ?? prev?.currency) || limits.defaultCurrency,
    ...(slaDueAt ? { slaDueAt } : {}),
    evidence: boundEvidence(prev?.evidence ?? [], s.evidence, limits.maxEvidence),
    detector: { name: s.detector, version: s.version },
    thresholds: s.thresholds ?? prev?.thresholds ?? {},
    confidence: s.confidence ?? prev?.confidence ?? 0.9,
    actor: s.detector,
    change: s.kind === 'open' ? 'detected' : s.kind === 'update' ? 'updated' : 'resolved',
    details,
  };
  if (s.kind === 'resolve') return { ...base, status: 'resolved', resolvedAt: at, resolutionReason: 'auto' };
  return base;
}
