// Soak: a real tower (child process) fed at 70% of its sustained ingest rate for a long
// time with the simulator's traffic (every event type, injected faults, so the detectors
// keep real keyed state and open and close exceptions). Reports RSS drift (end vs after
// warm-up), keyed detector state drift, ingest latency, queue depth, and checks at the end
// that every acknowledged event is stored exactly once.
//   npm run bench:soak -- --minutes 60            (the documented one-hour run)
//   npm run bench:soak -- --minutes 3 --load 0.7  (a short run)
//   --rate N skips the capacity probe and offers N events/s.
//   --lines-per-day N sets how fast simulated time runs: at 100,000 lines (~700,000 events)
//   a simulated day, an hour at ~8,000 events/s covers ~40 simulated days, so every keyed
//   state passes its lifetime (orders: 4 days) during the warm-up.
import { rmSync } from 'node:fs';
import type { CtEvent } from '../server/events/schema.ts';
import { createSimulator } from '../server/sim/simulator.ts';
import { CHAOS_ADMIN_PASSWORD, freePort, ingestAuth, metricSum, metricValue, readProcMemory, sleep, spawnTower, tempDataDir, type Tower } from '../test/chaos/helpers/tower.ts';
import { eventTotals } from '../test/chaos/helpers/verifyStore.ts';
import { flag, fmt, machine, percentile } from './lib/stats.ts';

const minutes = flag('minutes', 60);
const load = flag('load', 0.7);
const batchSize = flag('batch', 500);
const fixedRate = process.argv.includes('--rate') ? flag('rate', 1) : undefined;
const linesPerDay = flag('lines-per-day', 100_000);
const MiB = 2 ** 20;

/** The simulator as an endless source of batches, in event-time order (seed fixed). */
/** Every event handed out; each is sent until acknowledged, so at the end taken = acknowledged. */
let taken = 0;
function simulatedTraffic(): (count: number) => CtEvent[] {
  const sim = createSimulator({ seed: 42, startTs: Date.parse('2025-01-06T00:00:00Z'), linesPerDay });
  let clock = Date.parse('2025-01-06T00:00:00Z');
  let buffer: CtEvent[] = [];
  return (count) => {
    while (buffer.length < count) buffer = buffer.concat(sim.advanceTo((clock += 5 * 60_000)));
    taken += count;
    return buffer.splice(0, count);
  };
}

/** Total keys held by the detectors (GET /api/v1/detectors/state), per detector and state. */
async function detectorState(tower: Tower, token: string): Promise<Record<string, number>> {
  const res = await fetch(`${tower.url}/api/v1/detectors/state`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { state: Record<string, Record<string, number>> };
  const flat: Record<string, number> = {};
  for (const [det, sizes] of Object.entries(body.state)) for (const [k, v] of Object.entries(sizes)) flat[`${det}.${k}`] = v;
  return flat;
}

/** Posts one NDJSON batch until it is acknowledged (202), waiting Retry-After like a real producer. */
async function sendUntilAcknowledged(tower: Tower, events: CtEvent[], counts: Record<string, number>, latencies?: number[]): Promise<void> {
  const body = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  for (;;) {
    const t = performance.now();
    const res = await fetch(`${tower.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...ingestAuth }, body }).catch(() => undefined);
    await res?.text();
    const key = String(res?.status ?? 'error');
    counts[key] = (counts[key] ?? 0) + 1;
    if (res?.status === 202) {
      latencies?.push(performance.now() - t);
      return;
    }
    await sleep(Number(res?.headers.get('retry-after') ?? 1) * 1000);
  }
}

async function probeCapacity(tower: Tower): Promise<number> {
  // Same traffic and batch size as the soak itself: per-request and per-insert costs depend on them.
  let acked = 0;
  let measuring = false;
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const events = nextBatch(batchSize);
      await sendUntilAcknowledged(tower, events, {});
      if (measuring) acked += events.length;
    }
  };
  const senders = [1, 2, 3, 4].map(sender);
  await sleep(3000);
  measuring = true;
  const t0 = performance.now();
  await sleep(10_000);
  const rate = acked / ((performance.now() - t0) / 1000);
  stop = true;
  await Promise.all(senders);
  return rate;
}

/** Sends batches on a fixed schedule (rate events/s); retries refused batches like a real producer. */
async function pacedLoad(tower: Tower, rate: number, ms: number, latencies: number[], counts: Record<string, number>): Promise<number> {
  // A count, not a set of ids: an hour is tens of millions of events (a JS Set holds 16.7M).
  let acked = 0;
  const interval = (batchSize / rate) * 1000;
  const started = performance.now();
  const inflight = new Set<Promise<void>>();
  for (let i = 0; performance.now() - started < ms; i++) {
    const due = started + i * interval;
    if (due > performance.now()) await sleep(due - performance.now());
    const events = nextBatch(batchSize);
    const send = sendUntilAcknowledged(tower, events, counts, latencies).then(() => {
      acked += events.length;
    });
    inflight.add(send);
    void send.finally(() => inflight.delete(send));
    if (inflight.size > 50) await Promise.race(inflight); // never pile up unboundedly on our side
  }
  await Promise.all(inflight);
  return acked;
}

const nextBatch = simulatedTraffic();
const dataDir = tempDataDir('ct-soak-');
const tower = await spawnTower({ dataDir, port: await freePort(), args: ['--log-level', 'warn'] });
console.log(`soak: ${minutes} min at ${load * 100}% of sustained capacity, batches of ${batchSize} — ${machine()}`);
const capacity = fixedRate ? fixedRate / load : await probeCapacity(tower);
const rate = capacity * load;
console.log(`sustained capacity ≈ ${fmt(capacity)} events/s → offering ${fmt(rate)} events/s`);

const login = await fetch(`${tower.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: CHAOS_ADMIN_PASSWORD }) });
const { token } = (await login.json()) as { token: string };
type Sample = { t: number; bytes: number; depth: number; keys: Record<string, number>; heap: number; heapCommitted: number; external: number; engine: number; file: number; activeExceptions: number; closedInMemory: number };
const rss: Sample[] = [];
const totalMs = minutes * 60_000;
const t0 = performance.now();
const sampler = setInterval(async () => {
  const text = await (await fetch(`${tower.url}/metrics`)).text().catch(() => '');
  const keys = await detectorState(tower, token).catch(() => ({}));
  rss.push({
    t: performance.now() - t0, bytes: tower.rssBytes(), depth: metricValue(text, 'ct_ingest_queue_depth'), keys,
    // where RSS goes: Node's heap, its off-heap buffers, and what the in-process engine tracks
    // (heap committed: what V8 holds from the OS, used or not — the part of RSS the heap is)
    heap: metricValue(text, 'nodejs_heap_size_used_bytes'), heapCommitted: metricValue(text, 'nodejs_heap_size_total_bytes'), external: metricValue(text, 'nodejs_external_memory_bytes'), engine: metricValue(text, 'ct_engine_memory_tracked_bytes'),
    // file-backed pages (mostly the engine's ~0.5 GB shared library as more of its code runs)
    file: readProcMemory(tower.proc.pid!, 'RssFile'),
    // the exception book holds every active exception in memory: a queue nobody works grows it
    activeExceptions: metricSum(text, 'ct_exceptions_active'), closedInMemory: metricValue(text, 'ct_exceptions_closed_in_memory'),
  });
}, 5000);
const latencies: number[] = [];
const counts: Record<string, number> = {};
const acked = await pacedLoad(tower, rate, totalMs, latencies, counts);
clearInterval(sampler);
tower.kill('SIGTERM');
const exit = await tower.exited;

// Warm-up: the first fifth of the run (at most 10 min) — caches, JIT and chDB's own pools settle.
const warmEnd = Math.min(totalMs / 5, 600_000);
const after = rss.filter((s) => s.t >= warmEnd);
const avgOf = (xs: Sample[], part: (s: Sample) => number) => xs.reduce((n, s) => n + part(s), 0) / xs.length;
const windowAvg = (xs: Sample[]) => avgOf(xs, (s) => s.bytes);
const head = after.slice(0, Math.max(1, Math.floor(after.length / 5)));
const tail = after.slice(-Math.max(1, Math.floor(after.length / 5)));
const drift = (windowAvg(tail) - windowAvg(head)) / windowAvg(head);
// Keyed detector state: the same windows, in keys summed over every detector.
const keyTotal = (x: (typeof rss)[number]) => Object.values(x.keys).reduce((a, b) => a + b, 0);
const keysAvg = (xs: typeof rss) => xs.reduce((n, s) => n + keyTotal(s), 0) / xs.length;
const keyDrift = (keysAvg(tail) - keysAvg(head)) / Math.max(1, keysAvg(head));
const lastKeys = rss[rss.length - 1]?.keys ?? {};
const firstKeys = head[0]?.keys ?? {};
const movers = Object.keys(lastKeys)
  .map((k) => ({ k, after: firstKeys[k] ?? 0, end: lastKeys[k] }))
  .filter((m) => m.end !== m.after)
  .sort((a, b) => Math.abs(b.end - b.after) - Math.abs(a.end - a.after))
  .slice(0, 5);
// Every event taken from the simulator (probe included) was sent until acknowledged, and the
// simulator's ids are unique: exactly once ⇔ distinct stored ids = taken and no id twice.
const audit = await eventTotals(dataDir);
const lost = Math.max(0, taken - audit.distinctIds);
const unexpected = Math.max(0, audit.distinctIds - taken);
rmSync(dataDir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);

const achieved = acked / (totalMs / 1000);
console.log(`events acknowledged: ${fmt(acked)} (${fmt(achieved)}/s of ${fmt(rate)}/s offered); with the capacity probe ${fmt(taken)} sent, ${fmt(audit.rows)} rows stored, lost: ${lost}, unexpected: ${unexpected}, stored twice: ${audit.duplicated.length}`);
console.log(`answers: ${JSON.stringify(counts)}; 202 latency p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`);
console.log(`RSS after warm-up ${fmt(windowAvg(head) / MiB)} MiB → end ${fmt(windowAvg(tail) / MiB)} MiB: drift ${fmt(drift * 100, 1)}% (max ${fmt(Math.max(...rss.map((s) => s.bytes)) / MiB)} MiB); max queue depth ${fmt(Math.max(...rss.map((s) => s.depth)))}`);
const parts = (['heap', 'heapCommitted', 'external', 'engine', 'file'] as const).map((k) => `${k} ${fmt(avgOf(head, (s) => s[k]) / MiB)} → ${fmt(avgOf(tail, (s) => s[k]) / MiB)} MiB`);
console.log(`  of which (same windows): ${parts.join(', ')}`);
console.log(`exception book in memory (same windows): active ${fmt(avgOf(head, (s) => s.activeExceptions))} → ${fmt(avgOf(tail, (s) => s.activeExceptions))}, recently closed ${fmt(avgOf(head, (s) => s.closedInMemory))} → ${fmt(avgOf(tail, (s) => s.closedInMemory))}`);
console.log(`keyed detector state after warm-up ${fmt(keysAvg(head))} keys → end ${fmt(keysAvg(tail))} keys: drift ${fmt(keyDrift * 100, 1)}%; largest changes ${JSON.stringify(movers)}`);
console.log(`exit: ${JSON.stringify(exit)}`);
// A soak that could not keep up is an overload test, not a soak: it fails as such.
const keptUp = achieved >= rate * 0.9;
if (!keptUp) console.log('the tower did not keep up with the offered rate (capacity probe too optimistic, or the machine is busy): rerun with a lower --rate');
const ok = lost === 0 && unexpected === 0 && audit.duplicated.length === 0 && drift < 0.1 && keyDrift < 0.05 && exit.code === 0 && keptUp;
console.log(ok ? 'SOAK PASSED' : 'SOAK FAILED');
process.exit(ok ? 0 : 1);
