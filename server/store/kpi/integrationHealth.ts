// Per-interface health of a window from the interface_health rollups: minute buckets for
// windows up to two days, hour buckets beyond (a bucket counts when it starts in the window).
import type { ClickHouseClient } from '@clickhouse/client';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type IntegrationHealthRow = {
  interface: string;
  messages: number;
  failures: number;
  retries: number;
  duplicates: number;
  dead_letters: number;
  p95: number | null;
};

const query = (table: 'interface_health_minute' | 'interface_health_hour') => `
SELECT
  interface,
  sum(messages) AS messages, sum(failures) AS failures, sum(retries) AS retries,
  sum(duplicates) AS duplicates, sum(dead_letters) AS dead_letters,
  quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[2] AS p95
FROM ${table}
WHERE bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')}
  AND ({f_interface:String} = '' OR interface = {f_interface:String})
  AND ({f_carrier:String} = '' OR interface = concat('carrier:', {f_carrier:String}))
GROUP BY interface
ORDER BY interface`;

export const HOUR_GRAIN_AFTER_MS = 48 * 3600_000;

export function integrationHealth(client: ClickHouseClient, windowMs: number, params: KpiParams): Promise<IntegrationHealthRow[]> {
  const table = windowMs > HOUR_GRAIN_AFTER_MS ? 'interface_health_hour' : 'interface_health_minute';
  return runKpiQuery<IntegrationHealthRow>(client, 'integration_health', query(table), params);
}
