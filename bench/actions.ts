// Governed actions end to end on the embedded engine: the triage formula's throughput, then
// N action requests (auto policy, Idempotency-Key, audit) against a local 127.0.0.1 ERP
// endpoint, with request latency and time until the exception is resolved.
//   node --import tsx bench/actions.ts [--actions 300] [--concurrency 8]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { triageException } from '../server/triage/triage.ts';
import type { ExceptionRecord } from '../server/contracts/exception.ts';
import { flag, fmt, machine, percentile } from './lib/stats.ts';

const actions = flag('actions', 300);
const concurrency = flag('concurrency', 8);

function triageRate(): number {
  const n = 200_000;
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    sink += triageException({ type: 'shipment_delay', detectedAt: '2025-03-03T09:00:00Z', orderIds: ['O'], customerTier: i % 2 ? 'A' : 'strategic', revenueAtRisk: i % 10_000, slaDueAt: '2025-03-03T12:00:00Z', details: { sameDay: i % 3 === 0 } }, Date.parse('2025-03-03T10:00:00Z')).priority;
  }
  if (sink < 0) console.log(sink);
  return n / ((performance.now() - started) / 1000);
}

async function main() {
  console.log(`machine: ${machine()}`);
  console.log(`triage formula: ${fmt(triageRate())} exceptions/s (one core)`);

  const erp = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => erp.listen(0, '127.0.0.1', () => r()));
  const erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/actions`;
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-actions-'));
  const server = await startServer(loadConfig({}, { dataDir: dir, port: 0, host: '127.0.0.1', logLevel: 'silent', adminPassword: 'bench-admin-password', connectorErpUrl: erpUrl }), { logger: pino({ level: 'silent' }) });
  const login = await (await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }) })).json();
  const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };

  const ids: string[] = [];
  for (let i = 0; i < actions; i++) {
    const x: ExceptionRecord = {
      id: `BX-${i}`, version: 1, type: 'integration_failure', status: 'open', severity: 'high', priority: 60, team: 'it', correlationKey: `bench:${i}`, title: `bench ${i}`,
      detectedAt: '2025-03-03T09:00:00.000Z', updatedAt: '2025-03-03T09:00:00.000Z', orderIds: [], interface: 'edi-850', revenueAtRisk: 0, currency: 'USD', evidence: [],
      detector: { name: 'bench', version: '1' }, thresholds: {}, confidence: 1, actor: 'bench', change: 'detected', details: {},
    };
    await server.book.commit(x);
    ids.push(x.id);
  }

  const latencies: number[] = [];
  const resolveMs: number[] = [];
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < ids.length) {
      const id = ids[next++];
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/v1/exceptions/${id}/actions`, { method: 'POST', headers: { ...auth, 'idempotency-key': `bench-${id}` }, body: JSON.stringify({ action: 'replay_messages' }) });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`action on ${id}: HTTP ${res.status}`);
      latencies.push(performance.now() - t0);
      await server.governance.executor.settled((server.book.get(id)!.details.execution as { deliveryId: string }).deliveryId);
      while (server.book.get(id)?.status !== 'resolved') await new Promise((r) => setTimeout(r, 2));
      resolveMs.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  resolveMs.sort((a, b) => a - b);
  console.log(`actions: ${actions} auto actions (replay_messages → local ERP webhook), ${concurrency} concurrent clients`);
  console.log(`throughput: ${fmt(actions / seconds, 1)} actions/s resolved`);
  console.log(`request (202, idempotency + audit + version stored): p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms`);
  console.log(`request → resolved: p50 ${fmt(percentile(resolveMs, 50), 1)} ms, p99 ${fmt(percentile(resolveMs, 99), 1)} ms`);
  console.log(`server RSS: ${fmt(process.memoryUsage().rss / 1024 ** 2)} MiB`);
  await server.close();
  erp.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
