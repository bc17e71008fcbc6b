// The outside of a running tower: security headers and a strict CSP on every answer,
// hostile requests to every route answered 4xx (never 5xx, never a file outside the web
// app), and secrets never in its logs — even at trace level, even when it fails to start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { CHAOS_INGEST_KEY, freePort, REPO_ROOT, spawnTower, tempDataDir, type Tower } from './helpers/tower.ts';
import { hostileString, PROTO_KEYS, SQL_INJECTIONS } from './helpers/hostile.ts';

const RUNS = Number(process.env.CHAOS_FUZZ_RUNS ?? 250);
const ADMIN_SECRET = 'adm1n-S3cret-that-must-never-be-logged';
const CH_SECRET = 'ch-S3cret-that-must-never-be-logged';
const dataDir = tempDataDir();
let tower: Tower;
let adminToken = '';

beforeAll(async () => {
  tower = await spawnTower({
    dataDir,
    port: await freePort(),
    args: ['--log-level', 'trace'],
    env: { CONTROL_TOWER_ADMIN_PASSWORD: ADMIN_SECRET, CLICKHOUSE_PASSWORD: CH_SECRET, CLICKHOUSE_USER: 'tower' },
  });
  const login = await fetch(`${tower.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_SECRET }) });
  expect(login.status).toBe(200);
  adminToken = ((await login.json()) as { token: string }).token;
});
afterAll(async () => {
  tower?.kill('SIGKILL');
  await tower?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('security headers', () => {
  it.each(['/', '/orders/42', '/healthz', '/api/v1/events', '/api/v1/nope', '/metrics'])('%s carries a strict CSP and hardening headers', async (path) => {
    const res = await fetch(`${tower.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]); // no inline scripts, no eval, no CDN
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the built web app with no inline script (so script-src self holds)', async () => {
    const res = await fetch(`${tower.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1].trim() !== '');
    expect(inline).toEqual([]);
  });
});

/** Percent-encodes; a lone surrogate becomes the (invalid UTF-8) bytes of a surrogate, itself hostile. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

describe('fuzz: every route with hostile requests', () => {
  it('answers each with a non-5xx status and never serves a file from outside the web app', async () => {
    const api = ['/events', '/edi', '/exceptions', '/exceptions/EX-1', '/exceptions/EX-1/recommendations', '/exceptions/EX-1/actions', '/exceptions/EX-1/transitions', '/approvals', '/approvals/1/approve', '/approvals/1/reject', '/audit', '/users', '/users/1', '/api-keys', '/api-keys/1/revoke', '/auth/me', '/auth/login', '/auth/logout', '/auth/password', '/detectors/config', '/detectors/state', '/kpis', '/kpis/series', '/integrations', '/connectors/dead-letters', '/connectors/dead-letters/1/replay'];
    const routes = ['/', '/healthz', '/readyz', '/metrics', '/socket.io/', '/assets/x.js', '/index.html', ...api.map((r) => `/api/v1${r}`)];
    const traversal = ['/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5c..%5cetc%5cpasswd', '/%00', '/%E0%A4%A', '/' + 'a'.repeat(10_000), '//etc/passwd', '/api/v1/../../etc/passwd'];
    const path = fc.oneof(
      fc.constantFrom(...routes, ...traversal),
      fc.tuple(fc.constantFrom(...routes), hostileString.filter((s) => s.length < 2000)).map(([r, s]) => `${r}?q=${enc(s)}&${PROTO_KEYS[s.length % 3]}[polluted]=1`),
      fc.tuple(fc.constantFrom('/api/v1/', '/'), fc.constantFrom(...SQL_INJECTIONS, ...PROTO_KEYS)).map(([p, s]) => p + enc(s)),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    // Who knocks: nobody, the admin (so handlers run deep), a producer key, garbage.
    const who = fc.constantFrom('none', 'admin', 'ingest', 'garbage');
    const credentials = (w: string): Record<string, string> =>
      w === 'admin' ? { authorization: `Bearer ${adminToken}` } : w === 'ingest' ? { authorization: `Bearer ${CHAOS_INGEST_KEY}` } : w === 'garbage' ? { authorization: 'Bearer x.y.z', cookie: 'ct_session=forged' } : {};
    const body = fc.oneof(fc.constant(undefined), hostileString.map((s) => JSON.stringify({ __proto__: { polluted: s }, constructor: { prototype: { polluted: s } } })), fc.uint8Array({ maxLength: 512 }));
    const contentType = fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded');
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(path, method, body, contentType, who, async (p, m, b, ct, w) => {
        const withBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
        // Never sign the admin out or change the password mid-run: the fuzz would lose its depth.
        if (w === 'admin' && /\/auth\/(logout|password)/.test(p)) return;
        const res = await fetch(`${tower.url}${p}`, { method: m, headers: { 'content-type': ct, ...credentials(w) }, body: withBody ? (typeof b === 'string' ? b : (new Uint8Array(b!) as BodyInit)) : undefined, redirect: 'manual' });
        const text = await res.text();
        tally[res.status] = (tally[res.status] ?? 0) + 1;
        expect(res.status, `${m} ${p.slice(0, 120)} → ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(text).not.toMatch(/root:.*:0:0:/);
        // fetch resolves dot segments before sending (/api/v1/../../x is sent as /x): judge the path sent.
        const sent = new URL(`${tower.url}${p}`).pathname;
        if (sent.startsWith('/api/') && res.status >= 400 && m !== 'HEAD') expect(JSON.parse(text).error.message).toMatch(/\S/);
        // Nothing but sign-in is open to a caller without valid credentials.
        // (Express answers OPTIONS itself with the Allow list, no data: not an access.)
        if ((w === 'none' || w === 'garbage') && m !== 'OPTIONS' && sent.startsWith('/api/v1/') && !sent.startsWith('/api/v1/auth/login') && res.status < 400) throw new Error(`${m} ${p} answered ${res.status} without credentials`);
      }),
      { numRuns: RUNS },
    );
    console.log(JSON.stringify({ routeFuzzRuns: RUNS, answers: tally }));
    expect(tower.proc.exitCode).toBeNull(); // still alive
  });
});

describe('secrets never logged', () => {
  it('keeps the admin and ClickHouse passwords out of the trace-level log of a busy tower and its stop', async () => {
    // Give it things to log: bad requests, a stop.
    await fetch(`${tower.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":' });
    await fetch(`${tower.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_SECRET}` }, body: '[]' });
    await fetch(`${tower.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: `${ADMIN_SECRET}x` }) });
    await fetch(`${tower.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN_SECRET, password: ADMIN_SECRET }) });
    tower.kill('SIGTERM');
    await tower.exited;
    const logs = tower.logs();
    expect(logs.length).toBeGreaterThan(100);
    expect(logs).not.toContain(ADMIN_SECRET);
    expect(logs).not.toContain(CH_SECRET);
  });

  /** Runs `serve` against a CLICKHOUSE_URL and returns its exit and output. */
  async function serveAgainst(url: string, timeoutMs: number) {
    const proc = spawn(process.execPath, ['bin/control-tower.js', 'serve', '--port', '0', '--no-demo', '--log-level', 'trace'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CLICKHOUSE_URL: url, CLICKHOUSE_USER: 'tower', CLICKHOUSE_PASSWORD: CH_SECRET, CONTROL_TOWER_ADMIN_PASSWORD: ADMIN_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (out += d));
    const started = performance.now();
    const killer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    clearTimeout(killer);
    return { code, out, ms: performance.now() - started };
  }

  it('fails to start with a clear, redacted message when ClickHouse refuses connections', async () => {
    const port = await freePort(); // nothing listens there
    const { code, out } = await serveAgainst(`http://tower:${CH_SECRET}@127.0.0.1:${port}`, 60_000);
    expect(code).toBe(2);
    expect(out).toMatch(/cannot reach ClickHouse at http:\/\/tower:\*\*\*@127\.0\.0\.1/);
    expect(out).not.toContain(CH_SECRET);
    expect(out).not.toContain(ADMIN_SECRET);
  });

  it('gives up (does not hang) when ClickHouse accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const hanging: Server = createServer((s) => sockets.push(s)); // reads nothing, answers nothing
    const port = await freePort();
    await new Promise<void>((r) => hanging.listen(port, '127.0.0.1', () => r()));
    try {
      const { code, out, ms } = await serveAgainst(`http://127.0.0.1:${port}`, 90_000);
      console.log(JSON.stringify({ hangingClickHouseGaveUpAfterMs: Math.round(ms), code }));
      expect(code).toBe(2);
      expect(ms).toBeLessThan(60_000);
      expect(out).toMatch(/cannot reach ClickHouse/);
      expect(out).not.toContain(CH_SECRET);
    } finally {
      for (const s of sockets) s.destroy();
      hanging.close();
    }
  });
});
