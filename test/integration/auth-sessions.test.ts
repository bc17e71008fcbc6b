import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../server/server.ts';
import { loadConfig } from '../../server/config.ts';
import { ADMIN_PASSWORD, api, INGEST_KEY, login, startTestServer, tempDataDir, userWithRoles } from '../fixtures/towerServer.ts';

const dir = tempDataDir('auth');
let server: RunningServer;
const event = { id: 'E-auth-1', ts: '2025-03-03T10:00:00.000Z', source: 'erp', type: 'order.cancelled', orderId: 'O-1' };

beforeAll(async () => {
  server = await startTestServer(dir);
});
afterAll(async () => {
  await server?.close();
});

describe('sign-in and sessions', () => {
  it('signs in with a password and sets an httpOnly, SameSite=Strict session cookie', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/ct_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect(await me.json()).toMatchObject({ kind: 'user', name: 'admin', roles: ['admin'] });
  });

  it('refuses a wrong password and an unknown user the same way', async () => {
    const a = await api(server, 'POST', '/auth/login', { body: { username: 'admin', password: 'nope' } });
    const b = await api(server, 'POST', '/auth/login', { body: { username: 'ghost', password: 'nope' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.json.error.message).toBe(b.json.error.message);
  });

  it('logout ends the session, and the stale cookie does not stand in the way of signing in again', async () => {
    const token = await login(server, 'admin', ADMIN_PASSWORD);
    expect((await api(server, 'POST', '/auth/logout', { token })).status).toBe(204);
    expect((await api(server, 'GET', '/auth/me', { token })).status).toBe(401);
    const stale = { cookie: `ct_session=${token}` };
    expect((await api(server, 'GET', '/auth/me', { headers: stale })).status).toBe(401);
    expect((await api(server, 'POST', '/auth/login', { headers: stale, body: { username: 'admin', password: ADMIN_PASSWORD } })).status).toBe(200);
  });
});

describe('ingest requires a key', () => {
  it('refuses events without credentials, or from a role not allowed to ingest', async () => {
    const admin = await login(server, 'admin', ADMIN_PASSWORD);
    const viewer = await userWithRoles(server, admin, 'vera', ['viewer']);
    expect((await api(server, 'POST', '/events', { body: event })).status).toBe(401);
    expect((await api(server, 'POST', '/events', { body: event, token: viewer })).status).toBe(403);
    expect((await api(server, 'POST', '/events', { body: event, token: 'not-a-key' })).status).toBe(401);
    const ok = await api(server, 'POST', '/events', { body: event, token: INGEST_KEY });
    expect(ok.status).toBe(202);
    expect(ok.json.accepted).toBe(1);
  });

  it('a revoked key stops working; an admin-made key works and is stored only as a digest', async () => {
    const admin = await login(server, 'admin', ADMIN_PASSWORD);
    const created = await api(server, 'POST', '/api-keys', { token: admin, body: { name: 'edi gateway', roles: ['ingest'] } });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    expect((await api(server, 'POST', '/events', { body: { ...event, id: 'E-auth-2' }, token: secret })).status).toBe(202);
    const stored = await (await server.store.client.query({ query: 'SELECT key_hash FROM api_keys FINAL', format: 'JSONEachRow' })).json<{ key_hash: string }>();
    expect(stored.some((r) => r.key_hash.includes(secret))).toBe(false);
    expect((await api(server, 'POST', `/api-keys/${created.json.id}/revoke`, { token: admin })).status).toBe(200);
    expect((await api(server, 'POST', '/events', { body: { ...event, id: 'E-auth-3' }, token: secret })).status).toBe(401);
  });
});

describe('persistence and bootstrap', () => {
  it('keeps users, keys and sessions across a restart', async () => {
    const admin = await login(server, 'admin', ADMIN_PASSWORD);
    const ops = await userWithRoles(server, admin, 'otto', ['operations']);
    await server.close();
    server = await startTestServer(dir);
    expect((await api(server, 'GET', '/auth/me', { token: ops })).json).toMatchObject({ name: 'otto', roles: ['operations'] });
    expect((await api(server, 'POST', '/events', { body: { ...event, id: 'E-auth-4' }, token: INGEST_KEY })).status).toBe(202);
  });
});

describe('first start without CONTROL_TOWER_ADMIN_PASSWORD', () => {
  it('prints a one-time admin password that signs in, not a default one', async () => {
    await server.close();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const config = loadConfig({}, { dataDir: dir, database: 'fresh_bootstrap', port: 0, host: '127.0.0.1' });
    server = await startServer(config, { logger: pino({ level: 'warn' }, sink) });
    const line = lines.find((l) => l.includes('one-time password'));
    expect(line).toBeDefined();
    const password = /one-time password (\S+)/.exec(JSON.parse(line!).msg)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await login(server, 'admin', password)).toBeTruthy();
  });
});
