// MTTA, resolution time, SLA adherence, auto-resolution and false-positive counts of a window,
// and the exceptions still open at its end by type and severity (openExceptions.ts) — one read
// of the snapshot for both, which is most of what either costs. Both windows in one pass
// (see exceptionSnapshot).
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { EXCEPTION_SNAPSHOT, FINAL } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type ExceptionKpiRow = {
  g: string;
  mtta: number | null;
  resolved: number;
  p50: number | null;
  p90: number | null;
  mean: number | null;
  within_sla: number;
  auto_resolved: number;
  closed: number;
  false_positives: number;
  /** Open at the window's end: keys 'type\tseverity', counts (a sumMap). */
  open_by: [string[], number[]];
};

const query = (group: string) => `
WITH
  status = 'resolved' AND resolved_at >= w_from AND resolved_at < w_to AS resolved_in,
  status IN ${FINAL} AND closed_at >= w_from AND closed_at < w_to AS closed_in,
  dateDiff('millisecond', detected_at, resolved_at) / 1000 AS res_s,
  multiIf(severity = 'critical', {sla_critical:Float64}, severity = 'high', {sla_high:Float64}, severity = 'medium', {sla_medium:Float64}, {sla_low:Float64}) AS target_s
SELECT
  w, ${group} AS g,
  avgIf(dateDiff('millisecond', detected_at, acknowledged_at) / 1000, acknowledged_at >= w_from AND acknowledged_at < w_to) AS mtta,
  countIf(resolved_in) AS resolved,
  quantileExactInclusiveIf(0.5)(res_s, resolved_in) AS p50,
  quantileExactInclusiveIf(0.9)(res_s, resolved_in) AS p90,
  avgIf(res_s, resolved_in) AS mean,
  countIf(resolved_in AND res_s <= target_s) AS within_sla,
  countIf(resolved_in AND manual_actions = 0) AS auto_resolved,
  countIf(closed_in) AS closed,
  countIf(closed_in AND status = 'dismissed' AND resolution_reason = 'false_positive') AS false_positives,
  sumMapIf([concat(type, '\t', severity)], [toUInt64(1)], status NOT IN ${FINAL}) AS open_by
FROM (${EXCEPTION_SNAPSHOT})
WHERE ${EXCEPTION_FILTER}
GROUP BY w, g`;

export function exceptionKpis(client: ClickHouseClient, group: string, params: KpiParams): Promise<ExceptionKpiRow[]> {
  return runKpiQuery<ExceptionKpiRow>(client, 'exception_kpis', query(group), params);
}
