// Access for routers built elsewhere (ingest, detectors) that do not declare it themselves:
// mounted in front of them, the guard checks the caller before their handlers run and
// records the access, so the authorization test covers their routes too.
import { Router } from 'express';
import { secured, type Access } from './access.ts';
import { READ_ROLES } from './roles.ts';

export type GuardedRoute = { method: 'get' | 'post' | 'patch' | 'put' | 'delete'; path: string; access: Access };

/** Ingest needs an API key with the `ingest` role (or an admin). */
export const INGEST_ROUTES: GuardedRoute[] = [
  { method: 'post', path: '/events', access: { roles: ['ingest'] } },
  { method: 'post', path: '/edi', access: { roles: ['ingest'] } },
];

/** Detector thresholds and state: readable by every user role. */
export const DETECTOR_ROUTES: GuardedRoute[] = [
  { method: 'get', path: '/detectors/config', access: { roles: READ_ROLES } },
  { method: 'get', path: '/detectors/state', access: { roles: READ_ROLES } },
];

export function routeGuard(routes: GuardedRoute[]): Router {
  const router = Router();
  for (const r of routes) secured(router, r.method, r.path, r.access, (_req, _res, next) => next());
  return router;
}
