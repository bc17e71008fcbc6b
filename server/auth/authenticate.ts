// Finds out who is calling: a session cookie set by the login route (web app) or an
// `Authorization: Bearer <session token | API key>` header (scripts, producers). A
// credential that is presented but not valid is refused outright rather than treated as
// anonymous, so a revoked key fails loudly.
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

export function credentialOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1] : '';
  }
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}

export function authenticate(store: AuthStore) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = credentialOf(req);
    if (token === undefined) return next();
    const principal = token ? store.resolveToken(token) : undefined;
    if (!principal) throw unauthenticated();
    req.principal = principal;
    next();
  };
}
