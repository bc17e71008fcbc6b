// Detection quality against the simulator's ground truth: runs the simulator for simulated
// days (fixed seeds, default and 5× fault rates) through the real detectors in-process (no
// ClickHouse: the detectors are pure stages; the ExceptionBook stores nowhere) and prints
// precision and recall per exception type, plus detector throughput and state sizes.
//
//   npm run eval:detection                      # table
//   npm run eval:detection -- --json            # { "byType": { "<type>": { precision, recall, tp, fp, fn } }, … }
//   npm run eval:detection -- --seeds 1,2 --scales 1 --days 2 --lines-per-day 80000 --skus 2000
//
// Matching rule: a detected exception is a true positive when one of its evidence events
// carries the label of an injected fault of the same type, or when its keys (orders, sku ×
// warehouse, customer, carrier, interface) match such a fault and it was detected between the
// fault's start − 15 min and its end (or start + 1 day) + 1 h. Each fault makes at most one TP
// (the earliest matching exception); every other detection is a false positive, every fault
// left unmatched a false negative.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXCEPTION_TYPES, type CtEvent } from '../server/events/schema.ts';
import type { ExceptionRecord, ExceptionType } from '../server/contracts/exception.ts';
import type { Triage } from '../server/contracts/triage.ts';
import { ExceptionBook } from '../server/exceptions/book.ts';
import { loadDetectorConfig } from '../server/detect/config.ts';
import { DetectionEngine } from '../server/detect/engine.ts';
import { createSimulator } from '../server/sim/simulator.ts';
import { faultRatesSchema } from '../server/sim/config.ts';
import type { Fault } from '../server/sim/faults.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const HOUR = 3_600_000;

type Counts = { tp: number; fp: number; fn: number };
type RunResult = {
  seed: number;
  scale: number;
  events: number;
  detectSeconds: number;
  simSeconds: number;
  byType: Record<string, Counts>;
  stateByDay: Record<string, number>[];
  examples: { fp: string[]; fn: string[] };
};

/** Evaluation triage: a fixed table, so quality does not depend on the triage formula. */
const evalTriage: Triage = (input) => ({ priority: 50, severity: 'medium', team: 'it', formulaVersion: 'eval', parts: {} });

function scaledRates(scale: number) {
  const base = faultRatesSchema.parse({});
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(base)) out[k] = k.endsWith('PerDay') ? Math.min(1000, v * scale) : Math.min(1, v * scale);
  return out;
}

function keysMatch(x: ExceptionRecord, f: Fault): boolean {
  const k = f.keys;
  switch (x.type) {
    case 'backorder':
    case 'inventory_sync_divergence':
      return x.sku === k.sku && x.warehouse === k.warehouse;
    case 'credit_hold':
      return x.customerId === k.customerId;
    case 'integration_failure':
      return x.interface === k.interface;
    case 'carrier_failure':
      if (f.kind === 'carrier_outage') return x.correlationKey === `carrier:${k.carrier}`;
      return (k.shipmentIds ?? []).some((s) => x.correlationKey === `delivery:${s}`);
    default:
      return (k.orderIds ?? []).some((o) => x.orderIds.includes(o));
  }
}

export function runOne(seed: number, scale: number, days: number, linesPerDay: number, skus: number, detectorConfigPath?: string): RunResult {
  const sim = createSimulator({ seed, startTs: START, linesPerDay, skus, faultRates: scaledRates(scale) });
  const config = loadDetectorConfig(detectorConfigPath);
  const book = new ExceptionBook({ persist: async () => {}, recentClosed: 1_000_000 });
  const detected = new Map<string, ExceptionRecord>();
  const evidence = new Map<string, Set<string>>();
  book.changes$.subscribe((r) => {
    if (!detected.has(r.id)) detected.set(r.id, r);
    const ev = evidence.get(r.id) ?? new Set();
    for (const id of r.evidence) ev.add(id);
    evidence.set(r.id, ev);
    detected.set(r.id, { ...r, detectedAt: detected.get(r.id)!.detectedAt });
  });
  const engine = new DetectionEngine({ config, book, triage: evalTriage });
  const labelOf = new Map<string, string>();
  let events = 0;
  let detectMs = 0;
  let simMs = 0;
  const stateByDay: Record<string, number>[] = [];
  const end = START + days * 24 * HOUR;
  for (let t = START; t < end; ) {
    t = Math.min(end, t + 10 * 60_000);
    const s0 = performance.now();
    const batch: CtEvent[] = sim.advanceTo(t);
    simMs += performance.now() - s0;
    for (const e of batch) {
      const label = (e.attrs as { injected?: { faultId: string } }).injected;
      if (label) labelOf.set(e.id, label.faultId);
    }
    events += batch.length;
    const d0 = performance.now();
    engine.process(batch);
    engine.advanceTo(t);
    detectMs += performance.now() - d0;
    if ((t - START) % (24 * HOUR) === 0) {
      const sizes: Record<string, number> = {};
      for (const [det, s] of Object.entries(engine.stateSizes())) for (const [k, v] of Object.entries(s)) sizes[`${det}.${k}`] = v;
      stateByDay.push(sizes);
    }
  }
  engine.flushAll();

  // Faults that started too close to the end to be seen are not scored.
  const faults = sim.faults.filter((f) => f.startTs < end - HOUR);
  const faultById = new Map(faults.map((f) => [f.faultId, f]));
  const matched = new Set<string>();
  const byType: Record<string, Counts> = Object.fromEntries(EXCEPTION_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const examples = { fp: [] as string[], fn: [] as string[] };
  const records = [...detected.values()].filter((x) => Date.parse(x.detectedAt) < end - HOUR).sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
  for (const x of records) {
    const at = Date.parse(x.detectedAt);
    let hit: Fault | undefined;
    for (const id of evidence.get(x.id) ?? []) {
      const f = faultById.get(labelOf.get(id) ?? '');
      if (f && f.type === x.type && !matched.has(f.faultId)) {
        hit = f;
        break;
      }
    }
    hit ??= faults.find((f) => f.type === x.type && !matched.has(f.faultId) && at >= f.startTs - 15 * 60_000 && at <= (f.endTs ?? f.startTs + 24 * HOUR) + HOUR && keysMatch(x, f));
    if (hit) {
      matched.add(hit.faultId);
      byType[x.type].tp++;
    } else {
      byType[x.type].fp++;
      if (examples.fp.length < 40) examples.fp.push(`${x.type} ${x.correlationKey} at ${x.detectedAt} ${JSON.stringify(x.details.trigger ?? x.details.cause ?? '')}`);
    }
  }
  for (const f of faults) {
    if (matched.has(f.faultId)) continue;
    byType[f.type].fn++;
    if (examples.fn.length < 40) examples.fn.push(`${f.type}/${f.kind} ${f.faultId} at ${new Date(f.startTs).toISOString()} keys=${JSON.stringify({ ...f.keys, orderIds: f.keys.orderIds?.slice(0, 3) })} events=${f.events}`);
  }
  return { seed, scale, events, detectSeconds: detectMs / 1000, simSeconds: simMs / 1000, byType, stateByDay, examples };
}

function summarise(results: RunResult[]) {
  const byType: Record<string, Counts & { precision: number; recall: number }> = {};
  for (const t of EXCEPTION_TYPES as readonly ExceptionType[]) {
    const c = { tp: 0, fp: 0, fn: 0 };
    for (const r of results) for (const k of ['tp', 'fp', 'fn'] as const) c[k] += r.byType[t][k];
    byType[t] = { precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1, recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1, ...c };
  }
  return byType;
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--json', 'print one JSON object')
    .option('--seeds <list>', 'comma-separated simulator seeds', '11,22,33')
    .option('--scales <list>', 'fault-rate multipliers', '1,5')
    .option('--days <n>', 'simulated days per run', '7')
    .option('--lines-per-day <n>', 'order lines per simulated day', '20000')
    .option('--skus <n>', 'catalogue size (each sku × warehouse is snapshotted by ERP and WMS every 2 h)', '1000')
    .option('--parallel <n>', 'runs in parallel (child processes)', '2')
    .option('--detector-config <file>', 'detector configuration (JSON) instead of the defaults, as the server takes it')
    .option('--verbose', 'print examples of false positives and negatives')
    .option('--worker <spec>', 'internal: run one seed:scale and print its result');
  program.parse();
  const o = program.opts<{ json?: boolean; seeds: string; scales: string; days: string; linesPerDay: string; skus: string; parallel: string; verbose?: boolean; worker?: string; detectorConfig?: string }>();
  const days = Number(o.days);
  const lines = Number(o.linesPerDay);
  if (o.worker) {
    const [seed, scale] = o.worker.split(':').map(Number);
    process.send!(runOne(seed, scale, days, lines, Number(o.skus), o.detectorConfig));
    return;
  }
  const jobs = o.scales.split(',').flatMap((scale) => o.seeds.split(',').map((seed) => `${seed}:${scale}`));
  const results: RunResult[] = [];
  const self = fileURLToPath(import.meta.url);
  const runJob = (spec: string) =>
    new Promise<RunResult>((resolve, reject) => {
      const args = ['--worker', spec, '--days', o.days, '--lines-per-day', o.linesPerDay, '--skus', o.skus, ...(o.detectorConfig ? ['--detector-config', o.detectorConfig] : [])];
      const child = fork(self, args, { execArgv: ['--import', 'tsx'] });
      child.once('message', (m) => resolve(m as RunResult));
      child.once('exit', (code) => code !== 0 && reject(new Error(`run ${spec} exited with ${code}`)));
    });
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.max(1, Number(o.parallel)) }, async () => {
      for (let spec = queue.shift(); spec; spec = queue.shift()) {
        const r = await runJob(spec);
        results.push(r);
        if (!o.json) console.error(`seed ${r.seed} ×${r.scale}: ${r.events} events, detect ${r.detectSeconds.toFixed(1)} s (${Math.round(r.events / r.detectSeconds)} events/s), sim ${r.simSeconds.toFixed(1)} s`);
      }
    }),
  );
  const byScale = Object.fromEntries(o.scales.split(',').map((s) => [`x${s}`, summarise(results.filter((r) => r.scale === Number(s)))]));
  const events = results.reduce((s, r) => s + r.events, 0);
  const detectSeconds = results.reduce((s, r) => s + r.detectSeconds, 0);
  const throughput = Math.round(events / detectSeconds);
  if (o.json) {
    console.log(JSON.stringify({ byType: summarise(results), byScale, runs: jobs, days, linesPerDay: lines, detectorEventsPerSecond: throughput }));
    return;
  }
  for (const [scale, table] of Object.entries(byScale)) {
    console.log(`\nfault rates ${scale} (seeds ${o.seeds}, ${days} days, ${lines} lines/day)`);
    console.log('type                        precision  recall     tp    fp    fn');
    for (const [t, c] of Object.entries(table)) console.log(`${t.padEnd(28)}${c.precision.toFixed(3).padStart(9)}${c.recall.toFixed(3).padStart(8)}${String(c.tp).padStart(7)}${String(c.fp).padStart(6)}${String(c.fn).padStart(6)}`);
  }
  console.log(`\ndetector throughput: ${throughput} events/s over ${events} events (all eleven detectors + engine, one core)`);
  const last = results[0]?.stateByDay;
  if (last?.length) {
    console.log(`state sizes by day (seed ${results[0].seed} ×${results[0].scale}):`, JSON.stringify(last.map((d) => Object.values(d).reduce((a, b) => a + b, 0))));
    // Where the growth is: keyed state that still grows on the last day has not reached its lifetime or cap.
    const first = last[0];
    const end = last[last.length - 1];
    const before = last[last.length - 2] ?? first;
    const growing = Object.keys(end)
      .map((k) => ({ k, day1: first[k] ?? 0, last: end[k], lastDayGrowth: end[k] - (before[k] ?? 0) }))
      .filter((g) => g.lastDayGrowth > 0)
      .sort((a, b) => b.lastDayGrowth - a.lastDayGrowth)
      .slice(0, 6);
    const total = (d: Record<string, number>) => Object.values(d).reduce((a, b) => a + b, 0);
    const growth = total(end) - total(before);
    console.log(`state growth on the last day: ${growth} keys (${((100 * growth) / total(before)).toFixed(1)}% of ${total(before)})`);
    console.log('still growing on the last day:', JSON.stringify(growing));
  }
  if (o.verbose) for (const r of results) console.log(`\nseed ${r.seed} ×${r.scale}\nFP:\n  ${r.examples.fp.join('\n  ')}\nFN:\n  ${r.examples.fn.join('\n  ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
