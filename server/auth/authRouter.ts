// Sign-in for the web app and scripts. POST /auth/login sets an httpOnly, SameSite=Strict
// session cookie and also returns the token, which works as `Authorization: Bearer <token>`.
import express, { Router, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { AppError, badRequest } from '../errors.ts';
import { formatIssues } from '../events/schema.ts';
import { requirePrincipal, secured } from './access.ts';
import { credentialOf, SESSION_COOKIE } from './authenticate.ts';
import type { AuthStore } from './authStore.ts';
import { verifyPassword } from './secrets.ts';

const loginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }).strict();
const passwordBody = z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(12, 'newPassword must be at least 12 characters').max(1000) }).strict();

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

export function authRouter(deps: { auth: AuthStore; secureCookie: boolean; now: () => number; loginPerMinute?: number }): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });
  const cookie = (res: Response, value: string, maxAgeMs: number) =>
    res.cookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookie, path: '/', maxAge: maxAgeMs });
  const limiter = rateLimit({ windowMs: 60_000, limit: deps.loginPerMinute ?? 20, standardHeaders: 'draft-7', legacyHeaders: false, message: { error: { code: 'too_many_attempts', message: 'too many sign-in attempts; wait a minute' } } });

  secured(router, 'post', '/auth/login', 'public', limiter, json, async (req, res) => {
    const { username, password } = parseBody(loginBody, req.body);
    const session = await deps.auth.login(username, password);
    cookie(res, session.token, Date.parse(session.expiresAt) - deps.now());
    res.json(session);
  });

  secured(router, 'post', '/auth/logout', 'signed_in', async (req, res) => {
    const token = credentialOf(req);
    if (token && req.principal?.kind === 'user') await deps.auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  secured(router, 'get', '/auth/me', 'signed_in', (req, res) => {
    res.json(requirePrincipal(req));
  });

  secured(router, 'post', '/auth/password', 'signed_in', json, async (req, res) => {
    const p = requirePrincipal(req);
    if (p.kind !== 'user') throw new AppError(400, 'not_a_user', 'API keys have no password');
    const body = parseBody(passwordBody, req.body);
    const user = deps.auth.findUserByName(p.name);
    if (!user || !(await verifyPassword(user.passwordHash, body.currentPassword))) throw new AppError(401, 'invalid_credentials', 'currentPassword is wrong');
    await deps.auth.updateUser(user.id, { password: body.newPassword }, p.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  return router;
}
