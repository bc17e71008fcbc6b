// KPI benchmark: loads N generated events into the embedded engine (inside the engine, see
// bench/kpi/generate.ts), then times the dashboard's KPI set (every KPI, current and previous
// window) for the last 24 hours and the last 30 days, and the same figures computed from raw
// events for the ratio.
//
//   npm run bench:kpi -- --events 10000000 [--days 60] [--runs 20] [--raw-runs 3] [--data DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { openStore } from '../server/store/client.ts';
import { migrate } from '../server/store/migrate.ts';
import { computeKpis } from '../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../server/kpi/slaTargets.ts';
import { chTime } from '../server/store/kpi/runKpiQuery.ts';
import { refreshOrderOutcomes } from '../server/store/kpi/refreshOrderOutcomes.ts';
import { generate, plan } from './kpi/generate.ts';
import { RAW_INTEGRATIONS, RAW_ORDER_KPIS } from './kpi/rawQueries.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '60' },
    runs: { type: 'string', default: '20' },
    'raw-runs': { type: 'string', default: '3' },
    data: { type: 'string' },
  },
});
const events = Number(values.events);
const days = Number(values.days);
const runs = Number(values.runs);
const rawRuns = Number(values['raw-runs']);
if (!Number.isInteger(events) || events < 1000) throw new Error('--events must be a whole number ≥ 1000');
if (!(days >= 31)) throw new Error('--days must be at least 31 (the 30-day window and some history)');

const START = '2026-01-01 00:00:00.000';
const nowMs = Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000;
const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'kpi-bench-'));
const store = await openStore(loadConfig({}, { dataDir, maxMemoryUsageBytes: 8 * 1024 ** 3 }));
await migrate(store.client);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const summary = (label: string, ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} p50 ${fmt(pct(s, 50)).padStart(8)}  p95 ${fmt(pct(s, 95)).padStart(8)}  p99 ${fmt(pct(s, 99)).padStart(8)}  (${s.length} runs)`);
  return pct(s, 50);
};

console.log(`control-tower KPI benchmark — ${events.toLocaleString('en')} events over ${days} days, data in ${dataDir}`);
const p = plan({ events, startIso: START, days });
const planLine = () => console.log(`plan: ${p.orders.toLocaleString('en')} orders, ${p.messages.toLocaleString('en')} messages, ${p.carrierCalls.toLocaleString('en')} carrier calls, ${p.snapshots.toLocaleString('en')} snapshots, ${p.exceptions.toLocaleString('en')} exceptions`);
const existing = Number((await (await store.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
const loadStart = performance.now();
let loaded = 0;
if (existing > 0) console.log(`reusing ${existing.toLocaleString('en')} events already in ${dataDir}`);
else planLine();
if (!existing) await generate(store.client, { events, startIso: START, days }, (s) => {
  loaded += s.name.startsWith('exception') ? 0 : s.rows;
  console.log(`  loaded ${s.name.padEnd(20)} ${s.rows.toLocaleString('en').padStart(12)} rows in ${(s.ms / 1000).toFixed(1)} s (${Math.round(s.rows / (s.ms / 1000)).toLocaleString('en')} rows/s)`);
});
const loadS = (performance.now() - loadStart) / 1000;
// The order outcomes of everything loaded (sql/033): the work the first KPI request after a
// load (or the upgrade to 033) does; later requests refresh only the orders touched since.
const refreshStart = performance.now();
const refreshed = await refreshOrderOutcomes(store.client);
if (refreshed) console.log(`order outcomes: ${refreshed.orders.toLocaleString('en')} orders in ${((performance.now() - refreshStart) / 1000).toFixed(1)} s`);
if (loaded) console.log(`load: ${loaded.toLocaleString('en')} events in ${loadS.toFixed(1)} s = ${Math.round(loaded / loadS).toLocaleString('en')} events/s (materialized views included)`);

const sizes = await (await store.client.query({
  query: `SELECT table, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS size, count() AS parts FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table ORDER BY sum(bytes_on_disk) DESC LIMIT 8`,
  format: 'JSONEachRow',
})).json<{ table: string; rows: string; size: string; parts: string }>();
for (const t of sizes) console.log(`  ${t.table.padEnd(26)} ${Number(t.rows).toLocaleString('en').padStart(12)} rows ${t.size.padStart(10)} ${t.parts} parts`);

const windows = [
  { label: '24 h', ms: 86_400_000 },
  { label: '30 d', ms: 30 * 86_400_000 },
];
console.log(`\nload average while querying: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (other work shares them)`);
console.log(`KPI set = every KPI of DESIGN.md §6, current + previous window (${new Date(nowMs).toISOString()} = now)`);
const results: string[] = [];
for (const w of windows) {
  const req = { fromMs: nowMs - w.ms, toMs: nowMs, sla: DEFAULT_SLA_TARGETS };
  await computeKpis(store.client, req).catch(() => undefined); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  let failed = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      await computeKpis(store.client, req);
    } catch (err) {
      // a KPI query over its time limit (KPI_QUERY_SECONDS) is a result, not a crash
      failed++;
      console.log(`  run ${i + 1}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  if (failed) console.log(`  ${failed} of ${runs} runs failed`);
  if (!times.length) continue;
  const fast = summary(`KPI set, ${w.label} (facts + rollups)`, times);
  // chDB runs in this process: CPU time is the work done, whatever else shares the cores.
  summary(`  CPU time of the same runs`, cpu);
  const raw: number[] = [];
  const rawCpu: number[] = [];
  const params = { from: chTime(nowMs - w.ms), to: chTime(nowMs) };
  for (let i = 0; i < rawRuns; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    for (const range of [params, { from: chTime(nowMs - 2 * w.ms), to: chTime(nowMs - w.ms) }]) {
      await (await store.client.query({ query: RAW_ORDER_KPIS, query_params: range, format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 0 } })).json();
      await (await store.client.query({ query: RAW_INTEGRATIONS, query_params: range, format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 0 } })).json();
    }
    raw.push(performance.now() - t);
    const used = process.cpuUsage(c);
    rawCpu.push((used.user + used.system) / 1000);
  }
  if (!raw.length) continue; // --raw-runs 0: the KPI set alone
  const slow = summary(`same figures, ${w.label}, raw events`, raw);
  summary(`  CPU time of the same runs`, rawCpu);
  results.push(`${w.label}: raw / engine = ${(slow / fast).toFixed(1)}×`);
}
console.log(results.join('\n'));
console.log(`rss ${Math.round(process.memoryUsage().rss / 1024 ** 2)} MiB`);
await store.close();
if (!values.data) rmSync(dataDir, { recursive: true, force: true });
