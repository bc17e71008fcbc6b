// Per-interface health of a window from the interface_health rollups: minute buckets for
// windows up to two days; beyond, hour buckets, each whole day inside the window read as its
// day bucket (sql/045) and only the hours before the first and after the last midnight from
// the hour table. A bucket counts when it starts in the window. Both windows in one pass.
import type { ClickHouseClient } from '@clickhouse/client';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';
import { bucketsAtTheEnds, inBothWindows, wholeBuckets, windowOf } from './windows.ts';

export type IntegrationHealthRow = {
  interface: string;
  messages: number;
  failures: number;
  retries: number;
  duplicates: number;
  dead_letters: number;
  p95: number | null;
};

/**
 * Buckets of both windows (windows.ts), each in the window it starts in: minutes, or hours at
 * the windows' ends and whole days in between.
 */
const bucketsOf = (grain: 'minute' | 'hour_day') =>
  grain === 'minute'
    ? `SELECT ${windowOf('bucket')} AS w, * FROM interface_health_minute WHERE ${inBothWindows('bucket')}`
    : `SELECT ${windowOf('bucket')} AS w, * FROM interface_health_hour
       WHERE ${inBothWindows('bucket')} AND ${bucketsAtTheEnds('Day', 'bucket')}
       UNION ALL
       SELECT ${windowOf('bucket')} AS w, * FROM interface_health_day
       WHERE ${wholeBuckets('Day', 'bucket')}`;

const query = (grain: 'minute' | 'hour_day') => `
SELECT
  w, interface,
  sum(messages) AS messages, sum(failures) AS failures, sum(retries) AS retries,
  sum(duplicates) AS duplicates, sum(dead_letters) AS dead_letters,
  quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[2] AS p95
FROM (${bucketsOf(grain)})
WHERE ({f_interface:String} = '' OR interface = {f_interface:String})
  AND ({f_carrier:String} = '' OR interface = concat('carrier:', {f_carrier:String}))
GROUP BY w, interface
ORDER BY w, interface`;

export const HOUR_GRAIN_AFTER_MS = 48 * 3600_000;

export function integrationHealth(client: ClickHouseClient, windowMs: number, params: KpiParams): Promise<IntegrationHealthRow[]> {
  return runKpiQuery<IntegrationHealthRow>(client, 'integration_health', query(windowMs > HOUR_GRAIN_AFTER_MS ? 'hour_day' : 'minute'), params);
}
