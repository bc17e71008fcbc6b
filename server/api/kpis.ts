// GET /kpis — every KPI of DESIGN.md §6 for a window, the previous window of equal length,
// optionally grouped and filtered. GET /kpis/series — one metric over time from the rollups.
// Every signed-in role may read KPIs (operations, IT and executives all use them).
import { Router } from 'express';
import { secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { computeKpis } from '../kpi/computeKpis.ts';
import { parseRange, parseSeries } from '../kpi/kpiQuery.ts';
import type { SlaTargets } from '../kpi/slaTargets.ts';
import { filterParams } from '../kpi/dimensions.ts';
import { GROUP_BYS } from '../kpi/kpiTypes.ts';
import { SERIES_METRICS, kpiSeries, unsupportedFilters } from '../store/kpi/kpiSeries.ts';
import { chTime, num } from '../store/kpi/runKpiQuery.ts';
import { badRequest } from '../errors.ts';

export type KpiRouterDeps = { client: ClickHouseClient; sla: SlaTargets; now: () => number };

export function kpisRouter(deps: KpiRouterDeps): Router {
  const router = Router();

  secured(router, 'get', '/kpis', { roles: READ_ROLES }, async (req, res) => {
    const q = parseRange(req.query as Record<string, unknown>, deps.now());
    res.json(await computeKpis(deps.client, { ...q, sla: deps.sla }));
  });

  secured(router, 'get', '/kpis/series', { roles: READ_ROLES }, async (req, res) => {
    const q = parseSeries(req.query as Record<string, unknown>, deps.now());
    const filters = GROUP_BYS.filter((g) => q.filters[g] !== undefined);
    const refused = unsupportedFilters(q.metric, filters);
    if (refused.length) throw badRequest(`filter ${refused.map((f) => `'${f}'`).join(', ')} does not apply to metric '${q.metric}'`, { parameter: refused[0] });
    const stepMs = q.stepSeconds * 1000;
    const startMs = Math.floor(q.fromMs / stepMs) * stepMs;
    const rows = await kpiSeries(deps.client, q.metric, q.stepSeconds, { from: chTime(startMs), to: chTime(q.toMs), ...filterParams(q.filters) }, filters);
    const byT = new Map(rows.map((r) => [Date.parse(`${r.t.replace(' ', 'T')}Z`), num(r.v)]));
    // Counts are 0 in an empty bucket; quantiles and rates have no value there.
    const empty = SERIES_METRICS[q.metric].value.startsWith('sum(') ? 0 : null;
    const points = [];
    for (let t = startMs; t < q.toMs; t += stepMs) points.push({ t: new Date(t).toISOString(), v: byT.has(t) ? byT.get(t)! : empty });
    res.json({ metric: q.metric, step: q.stepSeconds, from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), filters: q.filters, points });
  });

  return router;
}
