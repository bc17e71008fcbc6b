// POST /api/v1/edi: a raw X12 body (one or more interchanges) → events → pipeline. Answers per
// transaction set, so a trading partner's gateway learns which transactions were taken and
// why others were not. Answered only after the accepted events are stored (the pipeline's
// submit resolves then); saturation errors from submit flow to the error middleware (429/503).
// Mount: app api routers += ediRouter({ submit: (events) => pipeline.submit(events), maxBodyBytes }).
import express, { Router } from 'express';
import { AppError } from '../errors.ts';
import type { CtEvent } from '../events/schema.ts';
import type { FutureTimeGuard } from '../events/futureTime.ts';
import { importX12 } from '../ingest/edi/x12Adapter.ts';
import { decodeUtf8 } from '../ingest/parseBody.ts';

export type EdiRouteDeps = {
  submit: (events: CtEvent[]) => Promise<{ accepted: number; duplicates: number }>;
  maxBodyBytes: number;
  /** Refuses events stamped too far ahead of the server clock. */
  futureGuard?: FutureTimeGuard;
  /** Zone of envelope times when partners send local time; default UTC. */
  timezone?: string;
};

export type TransactionResult = { where: string; ok: true; eventIds: string[] } | { where: string; ok: false; error: string };

export function ediRouter(deps: EdiRouteDeps): Router {
  const router = Router();
  router.post('/edi', express.raw({ type: () => true, limit: deps.maxBodyBytes }), async (req, res) => {
    // Decoded strictly: replacement characters in a PO would be stored as if the partner sent them.
    const body = decodeUtf8(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    const events: CtEvent[] = [];
    const transactions: TransactionResult[] = [];
    const byWhere = new Map<string, Extract<TransactionResult, { ok: true }>>();
    for await (const result of importX12(body, { timezone: deps.timezone })) {
      if ('error' in result) {
        transactions.push({ where: result.error.where, ok: false, error: result.error.reason });
        continue;
      }
      const where = result.where ?? result.event.id;
      const tooFarAhead = deps.futureGuard?.(result.event);
      if (tooFarAhead) {
        transactions.push({ where, ok: false, error: tooFarAhead });
        continue;
      }
      events.push(result.event);
      const known = byWhere.get(where);
      if (known) known.eventIds.push(result.event.id);
      else {
        const entry = { where, ok: true as const, eventIds: [result.event.id] };
        byWhere.set(where, entry);
        transactions.push(entry);
      }
    }
    if (events.length === 0) {
      throw new AppError(400, 'invalid_x12', body.trim() ? 'no transaction set in the body could be taken' : 'empty body: expected X12 (ISA … IEA)', { transactions });
    }
    const outcome = await deps.submit(events);
    res.status(202).json({ accepted: outcome.accepted, duplicates: outcome.duplicates, transactions });
  });
  return router;
}
