// Connector deliveries an operator can see and replay (dead letters).
import { Router } from 'express';
import { requirePrincipal, secured } from '../auth/access.ts';
import type { DeliveryStore } from '../actions/deliveries.ts';
import type { Executor } from '../actions/executor.ts';
import type { IdempotencyStore } from '../actions/idempotency.ts';
import { answerIdempotently } from './idempotent.ts';

export function connectorsRouter(d: { deliveries: DeliveryStore; executor: Executor; idempotency: IdempotencyStore }): Router {
  const router = Router();
  const operators = { roles: ['operations', 'it'] } as const;
  secured(router, 'get', '/connectors/dead-letters', operators, (_req, res) => {
    res.json({ items: d.deliveries.list('dead_letter') });
  });
  secured(router, 'post', '/connectors/dead-letters/:id/replay', operators, async (req, res) => {
    await answerIdempotently(d.idempotency, req, res, () => d.executor.replay(requirePrincipal(req).id, String(req.params.id)));
  });
  return router;
}
