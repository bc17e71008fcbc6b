// Every /api/v1 route, with every role and without credentials. The route list is read from
// the running express app, so a route added later is tried too — and fails this test if it
// was not declared through `secured` with its access.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { ACCESS, accessKey, type Access } from '../../server/auth/access.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { ADMIN_PASSWORD, api, INGEST_KEY, login, startTestServer, tempDataDir } from '../fixtures/towerServer.ts';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; match(path: string): boolean };
type RouteRef = { method: string; path: string };

function routesOf(stack: Layer[]): RouteRef[] {
  const out: RouteRef[] = [];
  for (const layer of stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: layer.route.path });
    else if (layer.handle.stack) out.push(...routesOf(layer.handle.stack));
  }
  return out;
}

function apiRoutes(server: RunningServer): RouteRef[] {
  const top = (server.app as unknown as { router: { stack: Layer[] } }).router.stack;
  const apiLayer = top.find((l) => l.handle.stack && l.match('/api/v1/probe') && !l.match('/not-the-api'));
  if (!apiLayer) throw new Error('no router mounted at /api/v1');
  const seen = new Set<string>();
  return routesOf(apiLayer.handle.stack!).filter((r) => !seen.has(accessKey(r.method, r.path)) && seen.add(accessKey(r.method, r.path)));
}

type Expect = 'allowed' | 401 | 403;
function expected(access: Access, role: Role | 'none'): Expect {
  if (access === 'public') return 'allowed';
  if (role === 'none') return 401;
  if (access === 'signed_in') return 'allowed';
  return role === 'admin' || access.roles.includes(role) ? 'allowed' : 403;
}

const event = (i: number) => ({ id: `E-authz-${i}`, ts: '2025-03-03T10:00:00.000Z', source: 'erp', type: 'order.cancelled', orderId: 'O-authz' });

let server: RunningServer;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  server = await startTestServer(tempDataDir('authz'));
  const admin = await login(server, 'admin', ADMIN_PASSWORD);
  for (const role of ROLES) {
    if (role === 'ingest') tokens.ingest = INGEST_KEY;
    else {
      // Keys rather than sessions, so that trying POST /auth/logout does not end the session under test.
      const r = await api(server, 'POST', '/api-keys', { token: admin, body: { name: `authz ${role}`, roles: [role] } });
      tokens[role] = r.json.secret;
    }
  }
});
afterAll(async () => {
  await server?.close();
});

describe('authorization of every route', () => {
  it('finds the routes and every one declares its access', () => {
    const routes = apiRoutes(server);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const undeclared = routes.filter((r) => !ACCESS.has(accessKey(r.method, r.path))).map((r) => accessKey(r.method, r.path));
    expect(undeclared).toEqual([]);
  });

  it('answers 401 without credentials, 403 to roles not allowed, and lets allowed roles through', async () => {
    const routes = apiRoutes(server);
    const table: Record<string, Record<string, string>> = {};
    const mismatches: string[] = [];
    let n = 0;
    for (const r of routes) {
      const access = ACCESS.get(accessKey(r.method, r.path))!;
      const path = r.path.replace(/:(\w+)/g, 'does-not-exist');
      table[accessKey(r.method, r.path)] = {};
      for (const role of [...ROLES, 'none'] as const) {
        const want = expected(access, role);
        const body = r.path === '/events' ? event(++n) : r.method === 'GET' ? undefined : {};
        const res = await api(server, r.method, path, { token: role === 'none' ? undefined : tokens[role], body, headers: { 'idempotency-key': `authz-${++n}` } });
        table[accessKey(r.method, r.path)][role] = `${want}:${res.status}`;
        const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === want;
        if (!ok) mismatches.push(`${accessKey(r.method, r.path)} as ${role}: expected ${want}, got ${res.status} ${JSON.stringify(res.json)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(table['POST /events'].ingest).toBe('allowed:202');
    expect(table['POST /users'].operations).toBe('403:403');
  });
});
