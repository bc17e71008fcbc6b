// GET /integrations — per-interface health (messages/min, failure rate, p95 latency, retries,
// duplicates suppressed, dead letters) from the rollups; default window: the last hour.
import { Router } from 'express';
import { secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseRange } from '../kpi/kpiQuery.ts';
import { filterParams } from '../kpi/dimensions.ts';
import { toIntegrationHealth } from '../kpi/toIntegrationHealth.ts';
import { integrationHealth } from '../store/kpi/integrationHealth.ts';
import { chTime } from '../store/kpi/runKpiQuery.ts';
import { badRequest } from '../errors.ts';

export function integrationsRouter(deps: { client: ClickHouseClient; now: () => number }): Router {
  const router = Router();
  secured(router, 'get', '/integrations', { roles: READ_ROLES }, async (req, res) => {
    const q = parseRange(req.query as Record<string, unknown>, deps.now(), 3600_000);
    if (q.groupBy) throw badRequest('groupBy does not apply to integrations (they are per interface already)');
    const windowMs = q.toMs - q.fromMs;
    const rows = await integrationHealth(deps.client, windowMs, { from: chTime(q.fromMs), to: chTime(q.toMs), ...filterParams(q.filters) });
    res.json({ from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), interfaces: rows.map((r) => toIntegrationHealth(r, windowMs)) });
  });
  return router;
}
