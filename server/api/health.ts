// /healthz: the process answers. /readyz: ClickHouse answers, no migration is pending, and
// storage takes writes — a full or failing disk answers reads, so the read probe alone
// would keep a tower "ready" that refuses every batch.
import { Router } from 'express';
import type { ClickHouseClient } from '@clickhouse/client';
import { pendingMigrations } from '../store/migrate.ts';
import type { WriteTrouble } from '../pipeline/pipeline.ts';

export function healthRouter(deps: { client: ClickHouseClient; isStopping: () => boolean; writeTrouble?: () => WriteTrouble | undefined }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (deps.isStopping()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    const trouble = deps.writeTrouble?.();
    if (trouble) {
      res.status(503).set('Retry-After', '5').json({ status: 'storage refuses writes', since: new Date(trouble.since).toISOString(), error: trouble.error });
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
