// Exceptions in a non-final state at the end of the window, by type and severity.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { EXCEPTION_SNAPSHOT, FINAL } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type OpenExceptionRow = { g: string; type: string; severity: string; n: number };

const query = (group: string) => `
SELECT ${group} AS g, type, severity, count() AS n
FROM (${EXCEPTION_SNAPSHOT})
WHERE status NOT IN ${FINAL} AND ${EXCEPTION_FILTER}
GROUP BY g, type, severity`;

export function openExceptions(client: ClickHouseClient, group: string, params: KpiParams): Promise<OpenExceptionRow[]> {
  return runKpiQuery<OpenExceptionRow>(client, 'open_exceptions', query(group), params);
}
