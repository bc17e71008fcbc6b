// Computes the KPI set of DESIGN.md §6 for a window and the previous window of equal
// length, optionally grouped. The queries are sent together (the embedded engine runs them
// side by side on its sessions, store/sessionPool.ts; a server as it schedules them); each
// answers both windows at once.
import type { ClickHouseClient } from '@clickhouse/client';
import type { GroupBy, KpiFilters, KpiReport, KpiSet } from './kpiTypes.ts';
import { EXCEPTION_DIMENSION, ORDER_DIMENSION, filterParams, groupExpression } from './dimensions.ts';
import { slaParams, type SlaTargets } from './slaTargets.ts';
import { assembleKpiSet, type KpiRows } from './assembleKpiSet.ts';
import { chTime, type KpiParams } from '../store/kpi/runKpiQuery.ts';
import { exceptionKpis } from '../store/kpi/exceptionKpis.ts';
import { openExceptionRows } from '../store/kpi/openExceptions.ts';
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
  // all at once, the longest first: the engine's sessions take them as they come free
  const [orders, revenue, detection, exceptions, integrations, manual] = await Promise.all([
    orderKpis(client, ord, params),
    revenueAtRisk(client, ex, params),
    withShared ? detectionQuality(client, params) : [],
    exceptionKpis(client, ex, params),
    withShared ? integrationHealth(client, windowMs, params) : [],
    manualActions(client, ex, params),
  ]);
  return { exceptions, open: openExceptionRows(exceptions), revenue, manual, orders, integrations, detection };
}

/** Rows of both windows (each tagged w by its query, see store/kpi/windows.ts) → the rows of one of them. */
function windowRows(rows: KpiRows, w: 0 | 1): KpiRows {
  const pick = <T>(list: T[]): T[] => list.filter((r) => (r as { w?: number }).w === w);
  return {
    exceptions: pick(rows.exceptions),
    open: pick(rows.open),
    revenue: pick(rows.revenue),
    manual: pick(rows.manual),
    orders: pick(rows.orders),
    // in the queries' own order (by window, then interface or type)
    integrations: pick(rows.integrations),
    detection: pick(rows.detection),
  };
}

/** The totals and, when grouped, a KPI set per group key, from one window's rows. */
function assembleWindow(totalRows: KpiRows, groupRows: KpiRows | undefined, req: KpiRequest, windowMs: number): { total: KpiSet; groups: Map<string, KpiSet> } {
  const total = assembleKpiSet(totalRows, '', windowMs);
  const groups = new Map<string, KpiSet>();
  if (req.groupBy && groupRows) {
    const rows = { ...groupRows };
    rows.integrations = totalRows.integrations.filter(() => req.groupBy === 'interface' || req.groupBy === 'carrier');
    rows.detection = req.groupBy === 'type' ? totalRows.detection : [];
    const keys = new Set<string>();
    for (const list of [rows.exceptions, rows.open, rows.revenue, rows.manual, rows.orders]) for (const r of list) keys.add(r.g);
    if (req.groupBy === 'interface') for (const r of rows.integrations) keys.add(r.interface);
    for (const key of [...keys].sort()) groups.set(key, assembleKpiSet(rows, key, windowMs, req.groupBy));
  }
  return { total, groups };
}

function windowParams(req: KpiRequest): KpiParams {
  return { from: chTime(req.fromMs), to: chTime(req.toMs), ...filterParams(req.filters ?? {}), ...slaParams(req.sla) };
}

/** One window: the totals and, when grouped, a KPI set per group key. */
export async function computeWindow(client: ClickHouseClient, req: KpiRequest): Promise<{ total: KpiSet; groups: Map<string, KpiSet> }> {
  const params = windowParams(req);
  const windowMs = req.toMs - req.fromMs;
  await refreshOrderOutcomes(client);
  const [totalRows, groupRows] = await Promise.all([
    queryRows(client, undefined, params, windowMs, true),
    req.groupBy ? queryRows(client, req.groupBy, params, windowMs, false) : undefined,
  ]);
  return assembleWindow(totalRows, groupRows, req, windowMs);
}

/**
 * The report of the API: current window, previous window of equal length, groups. Both
 * windows come from the same statements ({pfrom}, see store/kpi/windows.ts), after one
 * refresh of the order outcomes, so the two are computed from the same state.
 */
export async function computeKpis(client: ClickHouseClient, req: KpiRequest): Promise<KpiReport> {
  const length = req.toMs - req.fromMs;
  const params: KpiParams = { ...windowParams(req), pfrom: chTime(req.fromMs - length) };
  await refreshOrderOutcomes(client);
  const [totalRows, groupRows] = await Promise.all([
    queryRows(client, undefined, params, length, true),
    req.groupBy ? queryRows(client, req.groupBy, params, length, false) : undefined,
  ]);
  const current = assembleWindow(windowRows(totalRows, 0), groupRows && windowRows(groupRows, 0), req, length);
  const previous = assembleWindow(windowRows(totalRows, 1), groupRows && windowRows(groupRows, 1), req, length);
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
