// /exceptions: the queue (filters, sort, cursor), the detail view (timeline, evidence,
// recommendations, approvals, audit), state changes and action requests.
import express, { Router } from 'express';
import { z } from 'zod';
import type { ClickHouseClient } from '@clickhouse/client';
import { CUSTOMER_TIERS, EXCEPTION_STATUSES, SEVERITIES, TEAMS, type ExceptionRecord } from '../contracts/exception.ts';
import { EXCEPTION_TYPES } from '../events/schema.ts';
import type { ExceptionBook } from '../exceptions/book.ts';
import { badRequest, notFound } from '../errors.ts';
import { requirePrincipal, secured } from '../auth/access.ts';
import { parseBody } from '../auth/authRouter.ts';
import { READ_ROLES, type Role } from '../auth/roles.ts';
import { actionRequestSchema, moveRequestSchema, type ActionService } from '../actions/actionService.ts';
import type { ApprovalStore } from '../actions/approvals.ts';
import { withNames, type NameOf } from '../actions/approvalNames.ts';
import type { IdempotencyStore } from '../actions/idempotency.ts';
import { TRANSITIONS } from '../actions/lifecycle.ts';
import { searchAudit } from '../actions/searchAudit.ts';
import type { Recommender } from '../triage/recommender.ts';
import { cursorOf, listExceptions } from '../store/listExceptions.ts';
import { exceptionTimeline } from '../store/exceptionTimeline.ts';
import { findEventsById } from '../store/findEventsById.ts';
import { answerIdempotently } from './idempotent.ts';

export const ACT_ROLES: readonly Role[] = ['operations', 'finance', 'pricing', 'warehouse', 'it'];

const multi = <T extends readonly [string, ...string[]]>(values: T, name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
      const bad = list.filter((s) => !(values as readonly string[]).includes(s));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `${name}: unknown value ${bad.join(', ')}; expected ${values.join(', ')}` });
      return list;
    });
const free = z.string().optional().transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));

const listQuery = z.object({
  status: multi(EXCEPTION_STATUSES, 'status'),
  type: multi(EXCEPTION_TYPES, 'type'),
  severity: multi(SEVERITIES, 'severity'),
  team: multi(TEAMS, 'team'),
  tier: multi(CUSTOMER_TIERS, 'tier'),
  warehouse: free,
  customer: free,
  text: z.string().max(200).optional(),
  sort: z.enum(['priority', 'age']).default('priority'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof c.priority === 'number' && typeof c.detectedAt === 'string' && typeof c.id === 'string') return c as { priority: number; detectedAt: string; id: string };
  } catch {
    /* answered below */
  }
  throw badRequest('cursor: not a cursor this API returned');
}

export type ExceptionsDeps = { client: ClickHouseClient; book: ExceptionBook; actions: ActionService; approvals: ApprovalStore; idempotency: IdempotencyStore; recommender: Recommender; nameOf: NameOf };

export function exceptionsRouter(d: ExceptionsDeps): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  secured(router, 'get', '/exceptions', { roles: READ_ROLES }, async (req, res) => {
    const q = parseBody(listQuery, req.query);
    const items = await listExceptions(d.client, { ...q, after: decodeCursor(q.cursor) });
    res.json({ items, nextCursor: items.length === q.limit ? cursorOf(items[items.length - 1]) : null });
  });

  const load = async (id: string): Promise<ExceptionRecord> => {
    const inMemory = d.book.get(id);
    if (inMemory) return inMemory;
    const timeline = await exceptionTimeline(d.client, id);
    if (!timeline.length) throw notFound(`exception ${id} does not exist`);
    return timeline[timeline.length - 1];
  };

  secured(router, 'get', '/exceptions/:id', { roles: READ_ROLES }, async (req, res) => {
    const p = requirePrincipal(req);
    const id = String(req.params.id);
    const exception = await load(id);
    const timeline = await exceptionTimeline(d.client, id);
    const evidence = await findEventsById(d.client, exception.evidence);
    const recommendations = await d.recommender.recommend(exception, p);
    const audit = await searchAudit(d.client, { exceptionId: id, limit: 200 });
    res.json({ exception, allowedMoves: TRANSITIONS[exception.status], timeline, evidence, recommendations, approvals: withNames(d.approvals.list({ exceptionId: id }), d.nameOf), audit });
  });

  secured(router, 'get', '/exceptions/:id/recommendations', { roles: READ_ROLES }, async (req, res) => {
    res.json(await d.recommender.recommend(await load(String(req.params.id)), requirePrincipal(req)));
  });

  secured(router, 'post', '/exceptions/:id/transitions', { roles: ACT_ROLES }, json, async (req, res) => {
    await answerIdempotently(d.idempotency, req, res, () => d.actions.move(requirePrincipal(req), String(req.params.id), parseBody(moveRequestSchema, req.body)));
  });

  secured(router, 'post', '/exceptions/:id/actions', { roles: ACT_ROLES }, json, async (req, res) => {
    await answerIdempotently(d.idempotency, req, res, (key) => d.actions.request(requirePrincipal(req), String(req.params.id), parseBody(actionRequestSchema, req.body), key));
  });
  return router;
}
