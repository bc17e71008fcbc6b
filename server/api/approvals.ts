// The approvals inbox and decisions. Deciding is idempotent per Idempotency-Key.
import express, { Router } from 'express';
import { z } from 'zod';
import { requirePrincipal, secured } from '../auth/access.ts';
import { parseBody } from '../auth/authRouter.ts';
import { hasAnyRole, READ_ROLES } from '../auth/roles.ts';
import type { ActionService } from '../actions/actionService.ts';
import type { ApprovalStore } from '../actions/approvals.ts';
import type { IdempotencyStore } from '../actions/idempotency.ts';
import { answerIdempotently } from './idempotent.ts';
import { ACT_ROLES } from './exceptions.ts';
import { withNames, type NameOf } from '../actions/approvalNames.ts';

const inboxQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).default('pending'), all: z.enum(['0', '1']).default('0'), exceptionId: z.string().optional() });
const approveBody = z.object({ comment: z.string().max(2000).default('') }).strict();
const rejectBody = z.object({ reason: z.string().trim().min(3, 'reason: say why (at least 3 characters)').max(2000) }).strict();

export function approvalsRouter(d: { approvals: ApprovalStore; actions: ActionService; idempotency: IdempotencyStore; nameOf: NameOf }): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  /** By default the inbox shows what the caller could decide: their roles, not their own requests. */
  secured(router, 'get', '/approvals', { roles: READ_ROLES }, (req, res) => {
    const p = requirePrincipal(req);
    const q = parseBody(inboxQuery, req.query);
    let items = d.approvals.list({ status: q.status, exceptionId: q.exceptionId });
    if (q.all === '0' && q.status === 'pending') items = items.filter((a) => a.requestedBy !== p.id && hasAnyRole(p, [a.requiredRole]));
    res.json({ items: withNames(items, d.nameOf) });
  });

  secured(router, 'post', '/approvals/:id/approve', { roles: ACT_ROLES }, json, async (req, res) => {
    await answerIdempotently(d.idempotency, req, res, (key) => d.actions.approve(requirePrincipal(req), String(req.params.id), parseBody(approveBody, req.body).comment, key));
  });

  secured(router, 'post', '/approvals/:id/reject', { roles: ACT_ROLES }, json, async (req, res) => {
    await answerIdempotently(d.idempotency, req, res, () => d.actions.reject(requirePrincipal(req), String(req.params.id), parseBody(rejectBody, req.body).reason));
  });
  return router;
}
