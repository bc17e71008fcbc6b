// The simulated ERP/TMS endpoint the tower's connectors call in demo mode:
// POST /sim/erp/actions with an ActionCommand; the follow-up events go into the tower's
// pipeline and are returned. Safe to retry: the same idempotencyKey yields the same events.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { actionCommandSchema } from '../contracts/actionCommand.ts';
import type { CtEvent } from '../events/schema.ts';
import { formatIssues } from '../events/schema.ts';
import { CommandError } from './respond.ts';
import type { Simulator } from './simulator.ts';

export function simErpRouter(sim: Simulator, submit: (events: CtEvent[]) => Promise<unknown>): Router {
  const router = Router();
  router.post('/sim/erp/actions', express.json({ limit: '64kb' }), async (req: Request, res: Response, next: NextFunction) => {
    const parsed = actionCommandSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'invalid_command', message: formatIssues(parsed.error) } });
      return;
    }
    try {
      // Simulated time, not wall time: in demo mode the business runs faster than the clock.
      const events = sim.respond(parsed.data, sim.now);
      if (events.length) await submit(events);
      res.status(200).json({ ok: true, events: events.length, ids: events.map((e) => e.id), types: events.map((e) => e.type) });
    } catch (error) {
      if (error instanceof CommandError) {
        res.status(error.status).json({ error: { code: error.status === 409 ? 'idempotency_conflict' : 'command_rejected', message: error.message } });
        return;
      }
      const status = (error as { status?: number }).status;
      if (status === 429 || status === 503) {
        res.status(503).set('retry-after', '1').json({ error: { code: 'busy', message: 'pipeline saturated, retry later' } });
        return;
      }
      next(error);
    }
  });
  return router;
}
