// Manual actions taken in the window (see MANUAL_ACTOR), grouped by the exception's dimensions.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { MANUAL_ACTOR } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type ManualActionRow = { g: string; actions: number };

const query = (group: string) => `
SELECT ${group} AS g, count() AS actions
FROM exception_log
WHERE updated_at >= {from:DateTime64(3, 'UTC')} AND updated_at < {to:DateTime64(3, 'UTC')}
  AND ${MANUAL_ACTOR} AND ${EXCEPTION_FILTER}
GROUP BY g`;

export function manualActions(client: ClickHouseClient, group: string, params: KpiParams): Promise<ManualActionRow[]> {
  return runKpiQuery<ManualActionRow>(client, 'manual_actions', query(group), params);
}
