// Access for routers built elsewhere (ingest) that do not declare it themselves:
// mounted in front of them, the guard checks the caller before their handlers run and
// records the access, so the authorization test covers their routes too.
import { Router } from 'express';
import { secured, type Access } from './access.ts';

export type GuardedRoute = { method: 'get' | 'post' | 'patch' | 'put' | 'delete'; path: string; access: Access };

/** Ingest needs an API key with the `ingest` role (or an admin). */
export const INGEST_ROUTES: GuardedRoute[] = [
  { method: 'post', path: '/events', access: { roles: ['ingest'] } },
  { method: 'post', path: '/edi', access: { roles: ['ingest'] } },
];

export function routeGuard(routes: GuardedRoute[]): Router {
  const router = Router();
  for (const r of routes) secured(router, r.method, r.path, r.access, (_req, _res, next) => next());
  return router;
}
