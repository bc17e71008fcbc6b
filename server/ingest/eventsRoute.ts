// POST /api/v1/events: answers 202 only after the accepted events are stored.
import express, { Router } from 'express';
import { AppError } from '../errors.ts';
import type { IngestPipeline } from '../pipeline/pipeline.ts';
import type { IngestMetrics } from './ingestMetrics.ts';
import { parseIngestBody } from './parseBody.ts';
import type { FutureTimeGuard } from '../events/futureTime.ts';

export function eventsRouter(deps: { pipeline: IngestPipeline; maxBodyBytes: number; metrics: IngestMetrics; futureGuard?: FutureTimeGuard }): Router {
  const router = Router();
  // Shed load before reading the body: parsing and validating a batch that is then
  // refused would take the CPU from the batches that are being stored.
  const shed: express.RequestHandler = (_req, _res, next) => next(deps.pipeline.refusal());
  router.post('/events', shed, express.raw({ type: () => true, limit: deps.maxBodyBytes }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const batch = parseIngestBody(body, req.headers['content-type'], deps.futureGuard);
    deps.metrics.rejected.inc(batch.rejected.length);
    if (batch.events.length === 0) {
      throw new AppError(400, 'invalid_events', `all ${batch.received} events were rejected`, { rejected: batch.rejected });
    }
    const outcome = await deps.pipeline.submit(batch.events);
    res.status(202).json({ accepted: outcome.accepted, duplicates: outcome.duplicates, rejected: batch.rejected });
  });
  return router;
}
