// Finds out who is calling: a session cookie set by the login route (web app) or an
// `Authorization: Bearer <session token | API key>` header (scripts, producers). A
// bearer credential that is not valid is refused outright rather than treated as anonymous,
// so a revoked key fails loudly; a stale cookie counts as no session (routes still answer 401).
import type { NextFunction, Request, Response } from 'express';
import type { AuthStore } from './authStore.ts';
import { unauthenticated } from './access.ts';

export const SESSION_COOKIE = 'ct_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function bearerOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (!auth) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  return m ? m[1] : '';
}

export function credentialOf(req: Request): string | undefined {
  return bearerOf(req) ?? readCookie(req.headers.cookie, SESSION_COOKIE);
}

export function authenticate(store: AuthStore) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      const principal = bearer ? store.resolveToken(bearer) : undefined;
      if (!principal) throw unauthenticated();
      req.principal = principal;
      return next();
    }
    // An expired session cookie is simply no session: the browser must still reach the login.
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const principal = cookie ? store.resolveToken(cookie) : undefined;
    if (principal) req.principal = principal;
    next();
  };
}
