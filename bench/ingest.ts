// Sustained ingest through POST /api/v1/events (NDJSON batches) into the embedded engine,
// beside the raw insert rate of the same rows straight into the engine, in one run.
//   npm run bench:ingest -- [--events 200000] [--batch 1000] [--concurrency 4]
// Three figures side by side: raw insert, the pipeline without detectors, and with them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../server/store/client.ts';
import { migrate } from '../server/store/migrate.ts';
import { insertEvents } from '../server/store/insertEvents.ts';
import { toEventRow } from '../server/store/eventRow.ts';
import { loadConfig } from '../server/config.ts';
import { simulatedEvents } from './lib/simulatedEvents.ts';
import { EVENT_TYPES, type CtEvent } from '../server/events/schema.ts';

const EVENT_COUNT = EVENT_TYPES.length;
import { flag, fmt, machine, percentile } from './lib/stats.ts';

const total = flag('events', 200_000);
const batchSize = flag('batch', 1000);
const concurrency = flag('concurrency', 4);
const extraServerArgs = process.argv.includes('--server-args') ? process.argv[process.argv.indexOf('--server-args') + 1].split(' ') : [];

async function rawInsertRate(events: CtEvent[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-raw-'));
  const store = await openStore(loadConfig({}, { dataDir: dir }));
  await migrate(store.client);
  const ingestedAt = new Date().toISOString();
  const rows = events.map((e) => toEventRow(e, ingestedAt));
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 10_000) await insertEvents(store.client, rows.slice(i, i + 10_000));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return rows.length / seconds;
}

/** The server process is given this ingest key (CONTROL_TOWER_INGEST_KEYS); every POST sends it. */
const BENCH_INGEST_KEY = randomBytes(24).toString('base64url');

async function startServerProcess(dir: string, port: number, detection: boolean): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['bin/control-tower.js', 'serve', '--data', dir, '--port', String(port), '--host', '127.0.0.1', '--no-demo', '--log-level', 'warn', ...extraServerArgs], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CONTROL_TOWER_INGEST_KEYS: BENCH_INGEST_KEY, CONTROL_TOWER_DETECTION: String(detection) } });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return () =>
    new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

async function pipelineRate(events: CtEvent[], detection: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-pipe-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const stop = await startServerProcess(dir, port, detection);
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batchSize) bodies.push(events.slice(i, i + batchSize).map((e) => JSON.stringify(e)).join('\n'));
  const latencies: number[] = [];
  let next = 0;
  let retries429 = 0;
  const started = performance.now();
  async function producer() {
    while (next < bodies.length) {
      const body = bodies[next++];
      for (;;) {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${BENCH_INGEST_KEY}` }, body });
        await res.arrayBuffer();
        if (res.status === 202) {
          latencies.push(performance.now() - t0);
          break;
        }
        if (res.status === 429 || res.status === 503) {
          retries429++;
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
          continue;
        }
        throw new Error(`unexpected ${res.status}`);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, producer));
  const seconds = (performance.now() - started) / 1000;
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? NaN);
  await stop();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { rate: events.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), retries429, rss };
}

const events = simulatedEvents(total, 7);
console.log(`machine: ${machine()}`);
console.log(`events: ${fmt(events.length)} from the simulator (seed 7, ${EVENT_COUNT} event types), NDJSON batches of ${batchSize}, ${concurrency} concurrent producers`);
const raw = await rawInsertRate(events);
console.log(`raw insert (same rows, batches of 10,000, straight into the engine): ${fmt(raw)} rows/s`);
const report = (label: string, r: Awaited<ReturnType<typeof pipelineRate>>) =>
  console.log(`${label}: ${fmt(r.rate)} events/s; ack latency per batch p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms; 429/503 retries ${r.retries429}; server RSS ${fmt(r.rss / 1024 ** 2)} MiB`);
const bare = await pipelineRate(events, false);
report('pipeline without detectors (HTTP → validate → batch → dedupe → insert, acknowledged)', bare);
const detecting = await pipelineRate(events, true);
report('pipeline with all detectors on', detecting);
console.log(`ratio detectors on/off: ${(detecting.rate / bare.rate).toFixed(2)}`);
console.log(`ratio pipeline/raw: ${(bare.rate / raw).toFixed(2)}`);
