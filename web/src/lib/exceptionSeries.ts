// Open exceptions counted per detection-time bucket and per type or severity, for the
// operations charts. Each bucket keeps its bounds so a click can drill into exactly it.
import type { QueueRow } from '../../../server/contracts/queueRow.ts';
import type { ResolvedRange } from './timeRange.ts';

export type Bucketed = { starts: number[]; stepMs: number; series: { name: string; counts: number[] }[] };

// Records are immutable (a new version is a new object), so each detection time is parsed
// once, not on every live update of every chart.
const detectedMs = new WeakMap<QueueRow, number>();
const detectedAtMs = (r: QueueRow): number => {
  let t = detectedMs.get(r);
  if (t === undefined) detectedMs.set(r, (t = Date.parse(r.detectedAt)));
  return t;
};

export function bucketByDetection(rows: readonly QueueRow[], range: ResolvedRange, groupOf: (r: QueueRow) => string, order?: readonly string[]): Bucketed {
  const stepMs = range.stepS * 1000;
  const first = Math.floor(range.fromMs / stepMs) * stepMs;
  const n = Math.max(1, Math.ceil((range.toMs - first) / stepMs));
  const starts = Array.from({ length: n }, (_, i) => first + i * stepMs);
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const t = detectedAtMs(r);
    if (t < range.fromMs || t >= range.toMs) continue;
    const g = groupOf(r);
    let counts = groups.get(g);
    if (!counts) groups.set(g, (counts = new Array(n).fill(0)));
    counts[Math.min(n - 1, Math.floor((t - first) / stepMs))]++;
  }
  const names = order ? order.filter((o) => groups.has(o)) : [...groups.keys()].sort();
  return { starts, stepMs, series: names.map((name) => ({ name, counts: groups.get(name)! })) };
}

/** The drill-down window of bucket `i`, clipped to the range so it matches the chart. */
export function bucketWindow(b: Bucketed, i: number, range: ResolvedRange): { dfrom: string; dto: string } {
  const from = Math.max(b.starts[i], range.fromMs);
  const to = Math.min(b.starts[i] + b.stepMs, range.toMs);
  return { dfrom: new Date(from).toISOString(), dto: new Date(to).toISOString() };
}
