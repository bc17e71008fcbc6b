// Storage that goes away after start, in server mode (CLICKHOUSE_URL). There is no
// ClickHouse server on this machine, and a fake one that "speaks enough ClickHouse" would
// prove only itself; so these tests use the faults themselves — endpoints that hang, reset
// or refuse — against the real @clickhouse/client and the real ingest pipeline, built as the
// running server builds them (serverClient + createStoredPipeline). What they prove: a
// batch in hand is failed with 503 within the configured request timeout × attempts (not
// held for minutes), its queue budget is given back, readiness reports the trouble, and the
// CLICKHOUSE_REQUEST_TIMEOUT_MS setting reaches the client of a real `serve` process.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { loadConfig } from '../../server/config.ts';
import { serverClient, type Store } from '../../server/store/client.ts';
import { createStoredPipeline } from '../../server/pipeline/storedPipeline.ts';
import { makeEvents } from './helpers/producer.ts';
import { freePort, REPO_ROOT } from './helpers/tower.ts';

const open: { server: Server; sockets: Socket[] }[] = [];
afterAll(() => {
  for (const o of open) {
    for (const s of o.sockets) s.destroy();
    o.server.close();
  }
});

/** A TCP endpoint with the given behaviour towards every connection. */
async function endpoint(onConnection: (s: Socket) => void): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onConnection(s);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  open.push({ server, sockets });
  return `http://127.0.0.1:${port}`;
}

const hangs = () => endpoint(() => undefined); // accepts, reads nothing, answers nothing
const resets = () => endpoint((s) => s.once('data', () => s.resetAndDestroy())); // takes the request, then drops the connection
const refuses = async () => `http://127.0.0.1:${await freePort()}`; // nothing listens

async function submitAgainst(url: string, timeoutMs: number) {
  const config = loadConfig({}, { clickhouseUrl: url, clickhouseRequestTimeoutMs: timeoutMs, logLevel: 'silent' });
  const client = serverClient({ ...config, clickhouseUrl: url }, config.database);
  const store: Store = { client, mode: 'server', database: config.database, close: () => client.close() };
  const pipeline = createStoredPipeline(store, config, { now: Date.now });
  const started = performance.now();
  const outcome = await pipeline.submit(makeEvents('gone', 0, 200)).then(
    () => ({ status: 202 as number | undefined, message: '', retryAfter: undefined as string | undefined }),
    (err: { status?: number; message: string; headers?: Record<string, string> }) => ({ status: err.status, message: err.message, retryAfter: err.headers?.['Retry-After'] }),
  );
  const ms = performance.now() - started;
  const result = { ...outcome, ms: Math.round(ms), queueDepth: pipeline.stats.queueDepth, failedBatches: pipeline.stats.failedBatches, trouble: pipeline.writeTrouble() };
  await pipeline.drain();
  await store.close();
  return result;
}

describe('storage goes away after start (CLICKHOUSE_URL)', () => {
  it('a server that accepts and then hangs fails the batch with 503 within 3 attempts × the request timeout', async () => {
    const r = await submitAgainst(await hangs(), 1000);
    console.log(JSON.stringify({ hanging: r }));
    expect(r.status).toBe(503);
    expect(r.retryAfter).toMatch(/^\d+$/);
    expect(r.message).toMatch(/nothing was acknowledged/);
    // Three attempts, each cut at 1 s (+ 0.1 s and 0.4 s back-off): not sooner, and not held longer.
    expect(r.ms).toBeGreaterThanOrEqual(3000);
    expect(r.ms).toBeLessThan(8000);
    expect(r.queueDepth).toBe(0); // the queue budget is given back
    expect(r.failedBatches).toBe(1);
    expect(r.trouble?.error).toMatch(/timeout/i); // readiness reports it (/readyz → 503)
  });

  it('a server that takes the request and drops the connection, or refuses it, fails the batch with 503 at once', async () => {
    const reset = await submitAgainst(await resets(), 5000);
    const refused = await submitAgainst(await refuses(), 5000);
    console.log(JSON.stringify({ reset, refused }));
    for (const r of [reset, refused]) {
      expect(r.status).toBe(503);
      expect(r.ms).toBeLessThan(3000); // back-off only: 3 attempts, 0.5 s of waiting
      expect(r.queueDepth).toBe(0);
      expect(r.trouble).toBeDefined();
    }
  });

  it('CLICKHOUSE_REQUEST_TIMEOUT_MS reaches the client of a real serve process (a hanging server is given up on within it)', async () => {
    const url = await hangs();
    const proc = spawn(process.execPath, ['bin/control-tower.js', 'serve', '--port', '0', '--no-demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CLICKHOUSE_URL: url, CLICKHOUSE_REQUEST_TIMEOUT_MS: '2000', CONTROL_TOWER_ADMIN_PASSWORD: 'chaos-admin-password' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (out += d));
    const started = performance.now();
    const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    clearTimeout(killer);
    const ms = performance.now() - started;
    console.log(JSON.stringify({ serveAgainstHangingGaveUpAfterMs: Math.round(ms), code }));
    expect(code).toBe(2);
    expect(out).toMatch(/cannot reach ClickHouse/);
    expect(ms).toBeLessThan(12_000); // 2 s + process start-up; the library default would be 30 s
  });
});
