// Runs an action request under its Idempotency-Key and answers the (first) outcome.
import type { Request, Response } from 'express';
import { requirePrincipal } from '../auth/access.ts';
import { requestHash, type IdempotencyStore, type Outcome } from '../actions/idempotency.ts';

export async function answerIdempotently(store: IdempotencyStore, req: Request, res: Response, fn: (key: string) => Promise<Outcome>): Promise<void> {
  const p = requirePrincipal(req);
  const key = String(req.headers['idempotency-key'] ?? '');
  const outcome = await store.run(p.id, key, requestHash([req.method, req.path, req.body ?? null]), () => fn(key));
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(outcome.status).json(outcome.body);
}
