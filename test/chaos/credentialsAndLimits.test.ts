// Credentials that stop being valid, and the caps and limits that keep one caller from
// taking the tower. The server runs in this process with an injected clock (time is
// injected, never read inside logic), so a session can really expire: every /api/v1 route
// (read from the registry `secured` fills) and the socket.io namespace must then refuse it,
// and a socket opened while it was valid must be dropped. The same for a revoked API key.
// Then: an over-size socket.io message, an over-size body, a flood of sign-ins and a flood of
// ingest from one key / one address — each refused with the right status, the others unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import type { RunningServer } from '../../server/server.ts';
import { ACCESS } from '../../server/auth/access.ts';
import { startTestServer, TEST_ADMIN_PASSWORD, TEST_INGEST_KEY } from '../helpers/testServer.ts';
import { makeEvents } from './helpers/producer.ts';

const KEY_B = 'chaos-limits-key-b-0123456789abcdef';
const SESSION_HOURS = 1;
let clock = Date.parse('2026-11-26T12:00:00Z');
let server: RunningServer;
const sockets: Socket[] = [];

async function restart(overrides: Record<string, unknown>) {
  await server?.close();
  server = await startTestServer({ sessionHours: SESSION_HOURS, ingestKeys: [TEST_INGEST_KEY, KEY_B], ...overrides }, { now: () => clock });
}
beforeAll(() => restart({}));
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

/** HTTP from a chosen loopback address (127.0.0.x), so "another client address" is real. */
function call(method: string, path: string, opts: { token?: string; cookie?: string; body?: string | Buffer; contentType?: string; from?: string } = {}): Promise<{ status: number; retryAfter?: string; body: string }> {
  const url = new URL(`${server.url}${path}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(opts.body);
    }
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.from ?? '127.0.0.1', agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const login = (password = TEST_ADMIN_PASSWORD, from?: string) => call('POST', '/api/v1/auth/login', { body: JSON.stringify({ username: 'admin', password }), from });
const concreteRoutes = () => [...ACCESS.entries()].filter(([, access]) => access !== 'public').map(([key]) => key.split(' ') as [string, string]).map(([m, p]) => [m, `/api/v1${p.replace(/:[A-Za-z]+/g, 'x')}`] as const);

function openSocket(token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => reject(err));
  });
}
const refusedSocket = (token: string) => openSocket(token).then(
  (s) => (s.close(), 'connected'),
  (err: Error) => err.message,
);
/** How the socket's connection ends (socket.io's reason), or 'still connected' after `withinMs`. */
const disconnected = (s: Socket, withinMs: number) =>
  new Promise<string>((resolve) => {
    if (!s.connected) return resolve('not connected');
    const t = setTimeout(() => resolve('still connected'), withinMs);
    s.once('disconnect', (reason) => (clearTimeout(t), resolve(reason)));
  });

describe('credentials that stop being valid', () => {
  it('an expired session is refused by every route and the socket namespace, and its open socket is dropped', async () => {
    const signedIn = JSON.parse((await login()).body) as { token: string };
    const routes = concreteRoutes();
    expect(routes.length).toBeGreaterThan(20);
    // Valid now: no route answers 401 to it (sign-out excepted: it would end the session).
    const whileValid = await Promise.all(routes.filter(([m, p]) => `${m} ${p}` !== 'POST /api/v1/auth/logout').map(([m, p]) => call(m, p, { token: signedIn.token, body: m === 'GET' ? undefined : '{}' })));
    expect(whileValid.filter((r) => r.status === 401)).toEqual([]);
    const live = await openSocket(signedIn.token);
    const dropped = disconnected(live, 30_000);
    expect(live.connected).toBe(true);

    clock += SESSION_HOURS * 3_600_000 + 1000; // the session's expiry has passed
    const afterExpiry = await Promise.all(routes.map(async ([m, p]) => ({ route: `${m} ${p}`, bearer: (await call(m, p, { token: signedIn.token, body: m === 'GET' ? undefined : '{}' })).status, cookie: (await call(m, p, { cookie: `ct_session=${signedIn.token}`, body: m === 'GET' ? undefined : '{}' })).status })));
    const notRefused = afterExpiry.filter((r) => r.bearer !== 401 || r.cookie !== 401);
    const socketAnswer = await refusedSocket(signedIn.token);
    const openSocketEnd = await dropped;
    console.log(JSON.stringify({ expired: { routes: routes.length, notRefused, socketAnswer, openSocket: openSocketEnd } }));
    expect(notRefused).toEqual([]);
    expect(socketAnswer).toBe('unauthenticated: sign in, or pass auth.token');
    expect(openSocketEnd).toBe('io server disconnect');
  });

  it('a revoked API key is refused by every route and the socket namespace, and its open socket is dropped', async () => {
    const admin = JSON.parse((await login()).body) as { token: string };
    const made = JSON.parse((await call('POST', '/api/v1/api-keys', { token: admin.token, body: JSON.stringify({ name: 'chaos viewer', roles: ['viewer'] }) })).body) as { id: string; secret: string };
    const live = await openSocket(made.secret);
    const dropped = disconnected(live, 30_000);
    expect((await call('GET', '/api/v1/exceptions', { token: made.secret })).status).toBe(200);
    expect(live.connected).toBe(true);

    expect((await call('POST', `/api/v1/api-keys/${made.id}/revoke`, { token: admin.token })).status).toBe(200);
    const routes = concreteRoutes();
    const statuses = await Promise.all(routes.map(async ([m, p]) => ({ route: `${m} ${p}`, status: (await call(m, p, { token: made.secret, body: m === 'GET' ? undefined : '{}' })).status })));
    const socketAnswer = await refusedSocket(made.secret);
    const openSocketEnd = await dropped;
    console.log(JSON.stringify({ revoked: { routes: routes.length, notRefused: statuses.filter((s) => s.status !== 401), socketAnswer, openSocket: openSocketEnd } }));
    expect(statuses.filter((s) => s.status !== 401)).toEqual([]);
    expect(socketAnswer).toBe('unauthenticated: sign in, or pass auth.token');
    expect(openSocketEnd).toBe('io server disconnect');
  });
});

describe('payload caps', () => {
  it('an over-size socket.io message closes that connection; the server and other sockets carry on', async () => {
    const { token } = JSON.parse((await login()).body) as { token: string };
    const bystander = await openSocket(token);
    const attacker = await openSocket(token);
    const gone = disconnected(attacker, 5000);
    attacker.emit('events:snapshot' as never, 'x'.repeat(200 * 1024) as never); // maxHttpBufferSize is 64 KiB
    expect(await gone).toBe('transport close');
    const answer = await new Promise<unknown>((resolve) => bystander.emit('events:snapshot', (a: unknown) => resolve(a)));
    expect(answer).toMatchObject({ ok: true });
    expect(await refusedSocket(token)).toBe('connected'); // new connections still welcome
  });

  it('an over-size ingest body is refused with 413 naming the limit, and stores nothing', async () => {
    await restart({ maxBodyBytes: 64 * 1024 });
    const events = makeEvents('too-big', 0, 400); // ≈ 200 kB of NDJSON
    const r = await call('POST', '/api/v1/events', { token: TEST_INGEST_KEY, contentType: 'application/x-ndjson', body: events.map((e) => JSON.stringify(e)).join('\n') });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toMatchObject({ code: 'payload_too_large', message: 'body exceeds the limit of 65536 bytes' });
    const [row] = await (await server.store.client.query({ query: "SELECT count() AS n FROM events WHERE id LIKE 'too-big-%'", format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(row.n)).toBe(0);
  });

  it('back-to-back uploads of hundreds of MiB over one keep-alive client each get their 413, never a reset', async () => {
    // Found by fuzzEdi: after a 200 MiB body, the next large upload on the same kept-alive
    // socket stalled until the keep-alive timeout and was reset. A 413 now closes the socket.
    await restart({ maxBodyBytes: 1024 * 1024 });
    const statuses: (number | string)[] = [];
    for (const mib of [2, 200, 400]) {
      const res = await fetch(`${server.url}/api/v1/edi`, { method: 'POST', headers: { 'content-type': 'application/edi-x12', authorization: `Bearer ${TEST_INGEST_KEY}` }, body: 'A'.repeat(mib * 1024 * 1024) }).catch((e) => e.cause?.code ?? String(e));
      statuses.push(typeof res === 'string' ? res : res.status);
      if (typeof res !== 'string') {
        expect(res.headers.get('connection')).toBe('close');
        await res.text();
      }
    }
    expect(statuses).toEqual([413, 413, 413]);
  }, 60_000);
});

describe('rate limits under load', () => {
  it('a flood from one producer key gets 429 + Retry-After past its limit; another key is unaffected', async () => {
    await restart({ ingestRequestsPerKeyPerMinute: 40, ingestRequestsPerIpPerMinute: 100_000 });
    const ndjson = (run: string, i: number) => makeEvents(run, i * 5, 5).map((e) => JSON.stringify(e)).join('\n');
    const flood = Promise.all(Array.from({ length: 200 }, (_, i) => call('POST', '/api/v1/events', { token: TEST_INGEST_KEY, contentType: 'application/x-ndjson', body: ndjson('flood', i) })));
    const other: number[] = [];
    for (let i = 0; i < 20; i++) other.push((await call('POST', '/api/v1/events', { token: KEY_B, contentType: 'application/x-ndjson', body: ndjson('calm', i) })).status);
    const flooded = await flood;
    const count = (rs: { status: number }[], s: number) => rs.filter((r) => r.status === s).length;
    console.log(JSON.stringify({ perKey: { flood: { 202: count(flooded, 202), 429: count(flooded, 429) }, otherKey: other } }));
    expect(count(flooded, 202)).toBe(40);
    expect(count(flooded, 429)).toBe(160);
    for (const r of flooded.filter((x) => x.status === 429)) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(other.every((s) => s === 202)).toBe(true);
  });

  it('a flood from one address gets 429 + Retry-After past its limit; another address is unaffected', async () => {
    await restart({ ingestRequestsPerKeyPerMinute: 100_000, ingestRequestsPerIpPerMinute: 30 });
    const body = (run: string, i: number) => JSON.stringify(makeEvents(run, i, 1)[0]);
    const flooded = await Promise.all(Array.from({ length: 120 }, (_, i) => call('POST', '/api/v1/events', { token: i % 2 ? KEY_B : TEST_INGEST_KEY, body: body('ipflood', i), from: '127.0.0.1' })));
    const other = await Promise.all(Array.from({ length: 10 }, (_, i) => call('POST', '/api/v1/events', { token: TEST_INGEST_KEY, body: body('ipcalm', i), from: '127.0.0.2' })));
    console.log(JSON.stringify({ perIp: { flood: { 202: flooded.filter((r) => r.status === 202).length, 429: flooded.filter((r) => r.status === 429).length }, otherAddress: other.map((r) => r.status) } }));
    expect(flooded.filter((r) => r.status === 202)).toHaveLength(30);
    expect(flooded.filter((r) => r.status === 429)).toHaveLength(90);
    for (const r of flooded.filter((x) => x.status === 429)) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(other.map((r) => r.status)).toEqual(Array(10).fill(202));
  });

  it('sign-in attempts are limited per address (429 + Retry-After, even for the right password); another address still signs in', async () => {
    await restart({});
    const attempts = await Promise.all(Array.from({ length: 30 }, () => login('wrong-password-guess')));
    const right = await login(TEST_ADMIN_PASSWORD, '127.0.0.1');
    const elsewhere = await login(TEST_ADMIN_PASSWORD, '127.0.0.3');
    console.log(JSON.stringify({ login: { 401: attempts.filter((r) => r.status === 401).length, 429: attempts.filter((r) => r.status === 429).length, rightPasswordSameAddress: right.status, otherAddress: elsewhere.status } }));
    expect(attempts.filter((r) => r.status === 401)).toHaveLength(20);
    expect(attempts.filter((r) => r.status === 429)).toHaveLength(10);
    for (const r of attempts.filter((x) => x.status === 429)) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(right.status).toBe(429);
    expect(elsewhere.status).toBe(200);
  });
});
