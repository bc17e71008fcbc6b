// Size and time of the exceptions snapshot a web client gets when it (re)connects, with N open
// exceptions in two shapes: `small` (the web perf test's rows: no evidence, no details) and
// `detected` (as detectors commit them: 50 evidence ids, thresholds, details, 5 orders).
//   node --import tsx bench/webSnapshot.ts [--rows 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { io as connect } from 'socket.io-client';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import type { ExceptionRecord } from '../server/contracts/exception.ts';
import { EXCEPTION_TYPES } from '../server/events/schema.ts';
import { flag, fmt, machine } from './lib/stats.ts';

const rows = flag('rows', 10_000);
const PASSWORD = 'bench-admin-password';

function record(i: number, shape: 'small' | 'detected'): ExceptionRecord {
  const now = new Date(Date.parse('2026-11-26T10:00:00Z') + i * 1000).toISOString();
  const orderIds = shape === 'small' ? [`O-${i}`] : Array.from({ length: 5 }, (_, k) => `O-${i}-${k}`);
  return {
    id: `EX-${shape}-${i}`, version: 1, type: EXCEPTION_TYPES[i % EXCEPTION_TYPES.length], status: 'open', severity: 'high', priority: (i * 37) % 100, team: 'warehouse',
    correlationKey: `order:O-${i}`, title: `Load exception ${i}`, detectedAt: now, updatedAt: now, orderIds, customerId: `C-${i % 300}`, customerTier: 'A', sku: 'SKU-1', warehouse: `W${i % 7}`,
    revenueAtRisk: (i % 50) * 100, currency: 'USD',
    evidence: shape === 'small' ? [] : Array.from({ length: 50 }, (_, k) => `evt-${i}-${k}-0123456789abcdef`),
    detector: { name: 'backorder', version: '1.0.0' },
    thresholds: shape === 'small' ? {} : { minQty: 1, windowMinutes: 5, minFailures: 3 },
    confidence: 0.9, actor: 'backorder', change: 'detected',
    details: shape === 'small' ? {} : { waitingQty: 12, waitingLines: 3, lastSignalTs: Date.parse(now), reason: 'allocation left quantity backordered' },
  };
}

async function measure(shape: 'small' | 'detected') {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-snapshot-'));
  const server = await startServer(loadConfig({}, { dataDir: dir, port: 0, host: '127.0.0.1', logLevel: 'silent', adminPassword: PASSWORD, detection: false }), { logger: pino({ level: 'silent' }) });
  try {
    await Promise.all(Array.from({ length: rows }, (_, i) => server.book.commit(record(i, shape))));
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const cpu = process.cpuUsage();
    const started = performance.now();
    const socket = connect(server.url, { transports: ['websocket'], reconnection: false, auth: { token }, extraHeaders: { origin: server.url } });
    const payload = await new Promise<{ exceptions: unknown[] }>((resolve, reject) => {
      socket.once('exceptions:snapshot', resolve);
      socket.once('connect_error', reject);
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    socket.close();
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    console.log(`snapshot ${shape}: ${fmt(payload.exceptions.length)} exceptions, ${fmt(bytes / 1e6, 2)} MB (${fmt(bytes / payload.exceptions.length)} B each), received in ${fmt(ms)} ms (process CPU ${fmt((used.user + used.system) / 1000)} ms, server and client in one process)`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${machine()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await measure('small');
await measure('detected');
