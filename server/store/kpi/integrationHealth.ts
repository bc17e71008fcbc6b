// Per-interface health of a window from the interface_health rollups: minute buckets for
// windows up to two days; beyond, hour buckets, each whole day inside the window read as its
// day bucket (sql/045) and only the hours before the first and after the last midnight from
// the hour table. A bucket counts when it starts in the window.
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

const FROM = `{from:DateTime64(3, 'UTC')}`;
const TO = `{to:DateTime64(3, 'UTC')}`;

// The first midnight at or after {from} and the last at or before {to}: days between them
// are whole days of the window.
const FIRST_MIDNIGHT = `if(toStartOfDay(${FROM}) = ${FROM}, toStartOfDay(${FROM}), toStartOfDay(${FROM}) + INTERVAL 1 DAY)`;
const LAST_MIDNIGHT = `toStartOfDay(${TO})`;

/** Buckets of the window: minutes, or hours at its ends and days in between. */
const bucketsOf = (grain: 'minute' | 'hour_day') =>
  grain === 'minute'
    ? `SELECT * FROM interface_health_minute WHERE bucket >= ${FROM} AND bucket < ${TO}`
    : `SELECT * FROM interface_health_hour
       WHERE bucket >= ${FROM} AND bucket < ${TO} AND (bucket < ${FIRST_MIDNIGHT} OR bucket >= ${LAST_MIDNIGHT})
       UNION ALL
       SELECT * FROM interface_health_day
       WHERE bucket >= ${FIRST_MIDNIGHT} AND bucket < ${LAST_MIDNIGHT}`;

const query = (grain: 'minute' | 'hour_day') => `
SELECT
  interface,
  sum(messages) AS messages, sum(failures) AS failures, sum(retries) AS retries,
  sum(duplicates) AS duplicates, sum(dead_letters) AS dead_letters,
  quantilesTDigestMerge(0.5, 0.95, 0.99)(latency)[2] AS p95
FROM (${bucketsOf(grain)})
WHERE ({f_interface:String} = '' OR interface = {f_interface:String})
  AND ({f_carrier:String} = '' OR interface = concat('carrier:', {f_carrier:String}))
GROUP BY interface
ORDER BY interface`;

export const HOUR_GRAIN_AFTER_MS = 48 * 3600_000;

export function integrationHealth(client: ClickHouseClient, windowMs: number, params: KpiParams): Promise<IntegrationHealthRow[]> {
  return runKpiQuery<IntegrationHealthRow>(client, 'integration_health', query(windowMs > HOUR_GRAIN_AFTER_MS ? 'hour_day' : 'minute'), params);
}
