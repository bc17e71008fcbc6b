// Audit search (read only: the log has no write, edit or delete route).
import { Router } from 'express';
import { z } from 'zod';
import type { ClickHouseClient } from '@clickhouse/client';
import { secured } from '../auth/access.ts';
import { parseBody } from '../auth/authRouter.ts';
import { AUDIT_KINDS } from '../actions/audit.ts';
import { searchAudit } from '../actions/searchAudit.ts';

const iso = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time' });
const auditQuery = z.object({
  exceptionId: z.string().max(256).optional(),
  orderId: z.string().max(256).optional(),
  actor: z.string().max(256).optional(),
  kind: z.enum(AUDIT_KINDS).optional(),
  from: iso.optional(),
  to: iso.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function auditRouter(d: { client: ClickHouseClient }): Router {
  const router = Router();
  secured(router, 'get', '/audit', { roles: ['operations', 'finance', 'pricing', 'warehouse', 'it', 'executive'] }, async (req, res) => {
    const q = parseBody(auditQuery, req.query);
    const norm = (t?: string) => (t ? new Date(t).toISOString() : undefined);
    res.json({ items: await searchAudit(d.client, { ...q, from: norm(q.from), to: norm(q.to) }) });
  });
  return router;
}
