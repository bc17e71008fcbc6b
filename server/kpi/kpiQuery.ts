// Validation of the KPI endpoints' query strings (zod). Every rejection names the
// parameter and what is wrong: a bad range, an unknown metric, group or filter.
import { z } from 'zod';
import { GROUP_BYS, type GroupBy, type KpiFilters } from './kpiTypes.ts';
import { SERIES_METRICS, type SeriesMetric } from '../store/kpi/kpiSeries.ts';
import { badRequest } from '../errors.ts';
import { formatIssues } from '../events/schema.ts';

const MAX_RANGE_MS = 400 * 86_400_000;
const MAX_POINTS = 2000;

const instant = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an ISO-8601 time with a zone, e.g. 2026-03-01T00:00:00Z` }).transform((s) => Date.parse(s)).optional();
const filterValue = z.string().min(1).max(256).optional();

const KNOWN = ['from', 'to', 'groupBy', 'metric', 'step', ...GROUP_BYS];

const rangeSchema = z.object({
  from: instant('from'),
  to: instant('to'),
  groupBy: z.enum(GROUP_BYS, { error: (i) => `groupBy '${String(i.input)}' is not one of ${GROUP_BYS.join(', ')}` }).optional(),
  type: filterValue, team: filterValue, tier: filterValue, warehouse: filterValue, carrier: filterValue, interface: filterValue,
});

export type RangeQuery = { fromMs: number; toMs: number; groupBy?: GroupBy; filters: KpiFilters };

function parse<T>(schema: z.ZodType<T>, query: Record<string, unknown>, extra: string[] = []): T {
  for (const key of Object.keys(query)) {
    if (!KNOWN.includes(key) && !extra.includes(key)) throw badRequest(`unknown query parameter '${key}'`, { parameter: key });
    if (typeof query[key] !== 'string') throw badRequest(`query parameter '${key}' must be given once`, { parameter: key });
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

/** from/to default to the 24 hours before now; to must be after from, the range at most 400 days. */
export function parseRange(query: Record<string, unknown>, nowMs: number, defaultMs = 86_400_000): RangeQuery {
  const q = parse(rangeSchema, query, ['metric', 'step']);
  const toMs = q.to ?? nowMs;
  const fromMs = q.from ?? toMs - defaultMs;
  if (fromMs >= toMs) throw badRequest(`from (${new Date(fromMs).toISOString()}) must be before to (${new Date(toMs).toISOString()})`);
  if (toMs - fromMs > MAX_RANGE_MS) throw badRequest('the range from–to must be at most 400 days');
  const filters: KpiFilters = {};
  for (const g of GROUP_BYS) if (q[g] !== undefined) filters[g] = q[g];
  return { fromMs, toMs, groupBy: q.groupBy, filters };
}

const STEP = /^(\d+)(m|h|d)$/;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86400 } as const;

export type SeriesQuery = RangeQuery & { metric: SeriesMetric; stepSeconds: number };

/** metric is one of SERIES_METRICS; step like 1m, 15m, 1h, 1d (whole minutes; ≤ 2000 points). */
export function parseSeries(query: Record<string, unknown>, nowMs: number): SeriesQuery {
  const range = parseRange(query, nowMs);
  if (range.groupBy) throw badRequest('groupBy does not apply to series; use filters');
  const metric = query.metric;
  if (typeof metric !== 'string' || !metric) throw badRequest(`metric is required, one of ${Object.keys(SERIES_METRICS).join(', ')}`);
  if (!Object.hasOwn(SERIES_METRICS, metric)) throw badRequest(`unknown metric '${metric.slice(0, 64)}'; one of ${Object.keys(SERIES_METRICS).join(', ')}`, { parameter: 'metric' });
  const step = typeof query.step === 'string' ? query.step : '1h';
  const m = STEP.exec(step);
  if (!m || Number(m[1]) < 1) throw badRequest(`step '${step.slice(0, 32)}' must be a whole number of minutes, hours or days, e.g. 5m, 1h, 1d`, { parameter: 'step' });
  const stepSeconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  const points = Math.ceil((range.toMs - range.fromMs) / 1000 / stepSeconds);
  if (points > MAX_POINTS) throw badRequest(`step ${step} gives ${points} points over this range; at most ${MAX_POINTS}`, { parameter: 'step' });
  return { ...range, metric: metric as SeriesMetric, stepSeconds };
}
