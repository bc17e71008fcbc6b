// Ingest needs an API key with the `ingest` role (or an admin): mounted in front of the
// ingest routers so POST /api/v1/events and /api/v1/edi are refused before a body is read.
import { Router } from 'express';
import { secured } from './access.ts';

export function ingestGuard(): Router {
  const router = Router();
  for (const path of ['/events', '/edi']) secured(router, 'post', path, { roles: ['ingest'] }, (_req, _res, next) => next());
  return router;
}
