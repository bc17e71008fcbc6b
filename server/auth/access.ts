// Who may call which route. Every /api/v1 route is declared through `secured`, which both
// checks access and records it in ACCESS, so the authorization test can walk the express
// app, find every route and fail on one that was never declared.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { AppError } from '../errors.ts';
import { hasAnyRole, type Principal, type Role } from './roles.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

/** `public`: anyone; `signed_in`: any authenticated principal; or any of the listed roles (admin always passes). */
export type Access = 'public' | 'signed_in' | { roles: readonly Role[] };

export const ACCESS = new Map<string, Access>();
export const accessKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

export const unauthenticated = () => new AppError(401, 'unauthenticated', 'sign in or send Authorization: Bearer <token or API key>');

export function requirePrincipal(req: Request): Principal {
  if (!req.principal) throw unauthenticated();
  return req.principal;
}

export function requireAccess(access: Access): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (access === 'public') return next();
    const p = requirePrincipal(req);
    if (access !== 'signed_in' && !hasAnyRole(p, access.roles)) {
      throw new AppError(403, 'forbidden', `this needs one of the roles: ${access.roles.join(', ')}`);
    }
    next();
  };
}

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export function secured(router: Router, method: Method, path: string, access: Access, ...handlers: RequestHandler[]): void {
  ACCESS.set(accessKey(method, path), access);
  router[method](path, requireAccess(access), ...handlers);
}
