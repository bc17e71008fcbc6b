// Exceptions detected in a window, by type (the baseline's exception volume).
import type { ClickHouseClient } from '@clickhouse/client';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type ExceptionVolumeRow = { type: string; detected: number };

const QUERY = `
SELECT type, count() AS detected
FROM exception_log
WHERE version = 1 AND detected_at >= {from:DateTime64(3, 'UTC')} AND detected_at < {to:DateTime64(3, 'UTC')}
GROUP BY type
ORDER BY detected DESC, type`;

export function exceptionVolume(client: ClickHouseClient, params: KpiParams): Promise<ExceptionVolumeRow[]> {
  return runKpiQuery<ExceptionVolumeRow>(client, 'exception_volume', QUERY, params);
}
