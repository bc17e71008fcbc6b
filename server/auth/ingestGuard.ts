// Ingest needs an API key with the `ingest` role (or an admin): mounted in front of the
// foundation's events router so POST /api/v1/events is refused before its body is read.
import { Router } from 'express';
import { secured } from './access.ts';

export function ingestGuard(): Router {
  const router = Router();
  secured(router, 'post', '/events', { roles: ['ingest'] }, (_req, _res, next) => next());
  return router;
}
