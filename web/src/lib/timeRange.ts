// The time range shared by every view: a preset relative to now, or a custom from/to.
export const PRESETS = [
  { key: '15m', label: 'Last 15 min', ms: 15 * 60_000, stepS: 60 },
  { key: '1h', label: 'Last hour', ms: 3_600_000, stepS: 300 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, stepS: 900 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, stepS: 3600 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, stepS: 6 * 3600 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, stepS: 86_400 },
  { key: '90d', label: 'Last 90 days', ms: 90 * 86_400_000, stepS: 86_400 },
] as const;

export type PresetKey = (typeof PRESETS)[number]['key'];
export type TimeRange = { preset: PresetKey } | { preset: 'custom'; from: string; to: string };
export type ResolvedRange = { from: string; to: string; fromMs: number; toMs: number; stepS: number; label: string };

export const DEFAULT_RANGE: TimeRange = { preset: '24h' };

const STEPS = [60, 300, 900, 3600, 6 * 3600, 86_400, 7 * 86_400];

/** A step giving at most ~120 points over the span. */
export function stepFor(spanMs: number): number {
  return STEPS.find((s) => spanMs / (s * 1000) <= 120) ?? STEPS[STEPS.length - 1];
}

export function resolveRange(range: TimeRange, nowMs: number): ResolvedRange {
  if (range.preset === 'custom') {
    const fromMs = Date.parse(range.from);
    const toMs = Date.parse(range.to);
    return { from: range.from, to: range.to, fromMs, toMs, stepS: stepFor(toMs - fromMs), label: 'Custom' };
  }
  const p = PRESETS.find((x) => x.key === range.preset) ?? PRESETS[3];
  const toMs = nowMs;
  const fromMs = toMs - p.ms;
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), fromMs, toMs, stepS: p.stepS, label: p.label };
}

export function parseRange(params: URLSearchParams): TimeRange {
  const r = params.get('range');
  if (r === 'custom') {
    const from = params.get('from');
    const to = params.get('to');
    if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to)) return { preset: 'custom', from, to };
  }
  const preset = PRESETS.find((p) => p.key === r);
  return preset ? { preset: preset.key } : DEFAULT_RANGE;
}
