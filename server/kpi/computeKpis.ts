// Computes the KPI set of DESIGN.md §6 for a window and the previous window of equal
// length, optionally grouped. Queries run one after another (the embedded engine runs one
// statement at a time anyway) and each is short.
import type { ClickHouseClient } from '@clickhouse/client';
import type { GroupBy, KpiFilters, KpiReport, KpiSet } from './kpiTypes.ts';
import { EXCEPTION_DIMENSION, ORDER_DIMENSION, filterParams, groupExpression } from './dimensions.ts';
import { slaParams, type SlaTargets } from './slaTargets.ts';
import { assembleKpiSet, type KpiRows } from './assembleKpiSet.ts';
import { chTime, type KpiParams } from '../store/kpi/runKpiQuery.ts';
import { exceptionKpis } from '../store/kpi/exceptionKpis.ts';
import { openExceptions } from '../store/kpi/openExceptions.ts';
import { revenueAtRisk } from '../store/kpi/revenueAtRisk.ts';
import { manualActions } from '../store/kpi/manualActions.ts';
import { orderKpis } from '../store/kpi/orderKpis.ts';
import { refreshOrderOutcomes } from '../store/kpi/refreshOrderOutcomes.ts';
import { integrationHealth } from '../store/kpi/integrationHealth.ts';
import { detectionQuality } from '../store/kpi/detectionQuality.ts';

export type KpiRequest = { fromMs: number; toMs: number; groupBy?: GroupBy; filters?: KpiFilters; sla: SlaTargets };

async function queryRows(client: ClickHouseClient, groupBy: GroupBy | undefined, params: KpiParams, windowMs: number, withShared: boolean): Promise<KpiRows> {
  const ex = groupExpression(EXCEPTION_DIMENSION, groupBy);
  const ord = groupExpression(ORDER_DIMENSION, groupBy);
  return {
    exceptions: await exceptionKpis(client, ex, params),
    open: await openExceptions(client, ex, params),
    revenue: await revenueAtRisk(client, ex, params),
    manual: await manualActions(client, ex, params),
    orders: await orderKpis(client, ord, params),
    integrations: withShared ? await integrationHealth(client, windowMs, params) : [],
    detection: withShared ? await detectionQuality(client, params) : [],
  };
}

/** One window: the totals and, when grouped, a KPI set per group key. */
export async function computeWindow(client: ClickHouseClient, req: KpiRequest): Promise<{ total: KpiSet; groups: Map<string, KpiSet> }> {
  const filters = req.filters ?? {};
  const params: KpiParams = { from: chTime(req.fromMs), to: chTime(req.toMs), ...filterParams(filters), ...slaParams(req.sla) };
  const windowMs = req.toMs - req.fromMs;
  await refreshOrderOutcomes(client);
  const totalRows = await queryRows(client, undefined, params, windowMs, true);
  const total = assembleKpiSet(totalRows, '', windowMs);
  const groups = new Map<string, KpiSet>();
  if (req.groupBy) {
    const rows = await queryRows(client, req.groupBy, params, windowMs, false);
    rows.integrations = totalRows.integrations.filter((r) => req.groupBy === 'interface' || req.groupBy === 'carrier');
    rows.detection = req.groupBy === 'type' ? totalRows.detection : [];
    const keys = new Set<string>();
    for (const list of [rows.exceptions, rows.open, rows.revenue, rows.manual, rows.orders]) for (const r of list) keys.add(r.g);
    if (req.groupBy === 'interface') for (const r of rows.integrations) keys.add(r.interface);
    for (const key of [...keys].sort()) groups.set(key, assembleKpiSet(rows, key, windowMs, req.groupBy));
  }
  return { total, groups };
}

/** The report of the API: current window, previous window of equal length, groups. */
export async function computeKpis(client: ClickHouseClient, req: KpiRequest): Promise<KpiReport> {
  const length = req.toMs - req.fromMs;
  const current = await computeWindow(client, req);
  const previous = await computeWindow(client, { ...req, fromMs: req.fromMs - length, toMs: req.fromMs });
  const iso = (ms: number) => new Date(ms).toISOString();
  const report: KpiReport = {
    window: { from: iso(req.fromMs), to: iso(req.toMs), previousFrom: iso(req.fromMs - length), previousTo: iso(req.fromMs) },
    filters: req.filters ?? {},
    current: current.total,
    previous: previous.total,
  };
  if (req.groupBy) {
    const keys = [...new Set([...current.groups.keys(), ...previous.groups.keys()])].sort();
    const empty = assembleKpiSet({ exceptions: [], open: [], revenue: [], manual: [], orders: [], integrations: [], detection: [] }, '', length);
    report.groupBy = req.groupBy;
    report.groups = keys.map((key) => ({ key, current: current.groups.get(key) ?? empty, previous: previous.groups.get(key) ?? empty }));
  }
  return report;
}
