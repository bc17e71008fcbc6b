// GET /integrations — per-interface health (messages/min, failure rate, p95 latency, retries,
// duplicates suppressed, dead letters) from the rollups, with each interface's most frequent
// error codes from the raw events; default window: the last hour.
import { Router } from 'express';
import { secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseRange } from '../kpi/kpiQuery.ts';
import { filterParams } from '../kpi/dimensions.ts';
import { toIntegrationHealth } from '../kpi/toIntegrationHealth.ts';
import { integrationHealth } from '../store/kpi/integrationHealth.ts';
import { topErrorCodes, type ErrorCodeRow } from '../store/kpi/topErrorCodes.ts';
import type { ErrorCodeCount } from '../kpi/kpiTypes.ts';
import { chTime } from '../store/kpi/runKpiQuery.ts';
import { badRequest } from '../errors.ts';
import { fromChTime } from '../store/eventRow.ts';

/** Error codes listed per interface, most frequent first. */
const TOP_ERROR_CODES = 5;
const toErrorCodeCount = (c: ErrorCodeRow): ErrorCodeCount => ({ code: c.code, count: Number(c.count), lastSeen: fromChTime(c.last_seen) });

export function integrationsRouter(deps: { client: ClickHouseClient; now: () => number }): Router {
  const router = Router();
  secured(router, 'get', '/integrations', { roles: READ_ROLES }, async (req, res) => {
    const q = parseRange(req.query as Record<string, unknown>, deps.now(), 3600_000);
    if (q.groupBy) throw badRequest('groupBy does not apply to integrations (they are per interface already)');
    const windowMs = q.toMs - q.fromMs;
    const params = { from: chTime(q.fromMs), to: chTime(q.toMs), ...filterParams(q.filters) };
    // One statement at a time on the embedded engine: sequential, not Promise.all.
    const rows = await integrationHealth(deps.client, windowMs, params);
    const codes = await topErrorCodes(deps.client, TOP_ERROR_CODES, params);
    const byInterface = new Map<string, ErrorCodeRow[]>();
    for (const c of codes) byInterface.set(c.interface, [...(byInterface.get(c.interface) ?? []), c]);
    res.json({
      from: new Date(q.fromMs).toISOString(),
      to: new Date(q.toMs).toISOString(),
      interfaces: rows.map((r) => ({ ...toIntegrationHealth(r, windowMs), topErrorCodes: (byInterface.get(r.interface) ?? []).map(toErrorCodeCount) })),
    });
  });
  return router;
}
