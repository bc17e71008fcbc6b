// A system of record as the tower's connectors expect one (ERP, TMS, service desk): a real
// HTTP server in the test process. Like a real ERP with idempotency support it APPLIES the
// first call of each Idempotency-Key and answers every later call of that key with the first
// answer, without applying it again. It records every call it receives, so a test can tell
// "sent twice" (a retry: allowed, the key makes it harmless) from "applied twice" (never).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TargetCall = { path: string; key: string; bodyKey: string; body: string; at: number };
export type Applied = { key: string; path: string; body: string; calls: number; bodies: Set<string> };

export type ConnectorTarget = {
  url: string;
  /** Every call received, in order (including retries of the same key). */
  calls: TargetCall[];
  /** What was applied, once per Idempotency-Key. */
  applied: Map<string, Applied>;
  close(): Promise<void>;
};

/** `delayMs` per call widens the window in which the tower can be killed mid-call. */
export async function startConnectorTarget(delayMs: () => number = () => 0): Promise<ConnectorTarget> {
  const calls: TargetCall[] = [];
  const applied = new Map<string, Applied>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = String(req.headers['idempotency-key'] ?? '');
      let bodyKey = '';
      try {
        bodyKey = String((JSON.parse(body) as { idempotencyKey?: string }).idempotencyKey ?? '');
      } catch {
        /* recorded as is; the test fails on it */
      }
      calls.push({ path: req.url ?? '', key, bodyKey, body, at: Date.now() });
      // Applied (or recognised) on arrival; the answer comes after the delay, so a tower
      // killed meanwhile never learns that its command took effect, and sends it again.
      const first = applied.get(key);
      if (first) {
        first.calls++;
        first.bodies.add(body);
      } else applied.set(key, { key, path: req.url ?? '', body, calls: 1, bodies: new Set([body]) });
      const answer = JSON.stringify(first ? { ok: true, replayed: true } : { ok: true, applied: key });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(answer), delayMs());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    applied,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
