// /healthz: the process answers. /readyz: ClickHouse answers and no migration is pending.
import { Router } from 'express';
import type { ClickHouseClient } from '@clickhouse/client';
import { pendingMigrations } from '../store/migrate.ts';

export function healthRouter(deps: { client: ClickHouseClient; isStopping: () => boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (deps.isStopping()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    try {
      const pending = await pendingMigrations(deps.client);
      if (pending.length > 0) {
        res.status(503).json({ status: 'migrations pending', pending });
        return;
      }
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'clickhouse unreachable', error: (err as Error).message });
    }
  });
  return router;
}
