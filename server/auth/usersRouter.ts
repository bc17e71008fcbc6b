// Administration of users and API keys (admin only). Key secrets are shown once, at creation.
import express, { Router } from 'express';
import { z } from 'zod';
import { requirePrincipal, secured } from './access.ts';
import { parseBody } from './authRouter.ts';
import type { AuthStore } from './authStore.ts';
import { ROLES, USER_ROLES } from './roles.ts';

const newUser = z.object({ username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'username: 2–64 of a-z 0-9 . _ -'), password: z.string().min(12, 'password must be at least 12 characters').max(1000), roles: z.array(z.enum(USER_ROLES)).min(1) }).strict();
const userChange = z.object({ password: z.string().min(12).max(1000).optional(), roles: z.array(z.enum(USER_ROLES)).min(1).optional(), disabled: z.boolean().optional() }).strict();
const newKey = z.object({ name: z.string().min(1).max(100), roles: z.array(z.enum(ROLES)).min(1) }).strict();

export function usersRouter(deps: { auth: AuthStore }): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });
  const admin = { roles: ['admin'] } as const;

  secured(router, 'get', '/users', admin, (_req, res) => {
    res.json({ users: deps.auth.listUsers() });
  });
  secured(router, 'post', '/users', admin, json, async (req, res) => {
    res.status(201).json(await deps.auth.createUser(parseBody(newUser, req.body), requirePrincipal(req).id));
  });
  secured(router, 'patch', '/users/:id', admin, json, async (req, res) => {
    res.json(await deps.auth.updateUser(String(req.params.id), parseBody(userChange, req.body), requirePrincipal(req).id));
  });
  secured(router, 'get', '/api-keys', admin, (_req, res) => {
    res.json({ keys: deps.auth.listKeys() });
  });
  secured(router, 'post', '/api-keys', admin, json, async (req, res) => {
    const created = await deps.auth.createKey(parseBody(newKey, req.body), requirePrincipal(req).id);
    res.status(201).json({ ...created.key, secret: created.secret });
  });
  secured(router, 'post', '/api-keys/:id/revoke', admin, async (req, res) => {
    res.json(await deps.auth.revokeKey(String(req.params.id)));
  });
  return router;
}
