// Time series for charts, read from the minute or hour rollups (never raw events). A metric
// names its rollup, its value expression and the filter dimensions that rollup carries.
import type { ClickHouseClient } from '@clickhouse/client';
import type { GroupBy } from '../../kpi/kpiTypes.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

type Rollup = 'event_volume' | 'fulfilment' | 'exception_flow' | 'interface_health';

const ROLLUP_FILTERS: Record<Rollup, Partial<Record<GroupBy, string>>> = {
  event_volume: { warehouse: 'warehouse', carrier: 'carrier', interface: 'interface' },
  fulfilment: { warehouse: 'warehouse', carrier: 'carrier' },
  exception_flow: { type: 'type', team: 'team', tier: 'customer_tier', warehouse: 'warehouse', carrier: 'carrier', interface: 'interface' },
  interface_health: { interface: 'interface' },
};

export const SERIES_METRICS = {
  events: { rollup: 'event_volume', value: 'sum(events)' },
  ordersCreated: { rollup: 'fulfilment', value: 'sum(orders_created)' },
  linesOrdered: { rollup: 'fulfilment', value: 'sum(lines_ordered)' },
  unitsOrdered: { rollup: 'fulfilment', value: 'sum(units_ordered)' },
  valueOrdered: { rollup: 'fulfilment', value: 'sum(value_ordered)' },
  shipments: { rollup: 'fulfilment', value: 'sum(shipments)' },
  unitsShipped: { rollup: 'fulfilment', value: 'sum(units_shipped)' },
  deliveries: { rollup: 'fulfilment', value: 'sum(deliveries)' },
  invoices: { rollup: 'fulfilment', value: 'sum(invoices)' },
  linesBackordered: { rollup: 'fulfilment', value: 'sum(lines_backordered)' },
  exceptionsDetected: { rollup: 'exception_flow', value: 'sum(detected)' },
  exceptionsResolved: { rollup: 'exception_flow', value: 'sum(resolved)' },
  falsePositives: { rollup: 'exception_flow', value: 'sum(false_positives)' },
  manualActions: { rollup: 'exception_flow', value: 'sum(manual_actions)' },
  resolutionSecondsP50: { rollup: 'exception_flow', value: 'quantilesTDigestMerge(0.5, 0.9)(resolution_seconds)[1]' },
  resolutionSecondsP90: { rollup: 'exception_flow', value: 'quantilesTDigestMerge(0.5, 0.9)(resolution_seconds)[2]' },
  resolutionSecondsMean: { rollup: 'exception_flow', value: 'if(sum(resolved) = 0, nan, sum(resolution_seconds_sum) / sum(resolved))' },
  interfaceMessages: { rollup: 'interface_health', value: 'sum(messages)' },
  interfaceFailureRate: { rollup: 'interface_health', value: 'if(sum(messages) = 0, nan, sum(failures) / sum(messages))' },
  interfaceP95LatencyMs: { rollup: 'interface_health', value: 'quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[2]' },
} as const satisfies Record<string, { rollup: Rollup; value: string }>;

export type SeriesMetric = keyof typeof SERIES_METRICS;

/** The filter dimensions a metric's rollup does not carry (so the API can refuse them by name). */
export function unsupportedFilters(metric: SeriesMetric, filters: GroupBy[]): GroupBy[] {
  const supported = ROLLUP_FILTERS[SERIES_METRICS[metric].rollup];
  return filters.filter((f) => !(f in supported));
}

export type SeriesRow = { t: string; v: number | null };

export function kpiSeries(client: ClickHouseClient, metric: SeriesMetric, stepSeconds: number, params: KpiParams, filters: GroupBy[]): Promise<SeriesRow[]> {
  const { rollup, value } = SERIES_METRICS[metric];
  const table = `${rollup}_${stepSeconds % 3600 === 0 ? 'hour' : 'minute'}`;
  const columns = ROLLUP_FILTERS[rollup];
  const where = filters.map((f) => `${columns[f]} = {f_${f}:String}`);
  const query = `
SELECT toStartOfInterval(bucket, toIntervalSecond({step:UInt32})) AS t, ${value} AS v
FROM ${table}
WHERE bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')}${where.map((w) => ` AND ${w}`).join('')}
GROUP BY t
ORDER BY t`;
  return runKpiQuery<SeriesRow>(client, `series:${metric}`, query, { ...params, step: stepSeconds });
}
