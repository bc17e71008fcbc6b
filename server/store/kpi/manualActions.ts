// Manual actions taken in the window (see MANUAL_ACTOR), grouped by the exception's dimensions;
// both windows in one pass, w = 0 from {from} on, w = 1 before.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { MANUAL_ACTOR } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type ManualActionRow = { g: string; actions: number };

const query = (group: string) => `
SELECT if(updated_at >= {from:DateTime64(3, 'UTC')}, 0, 1) AS w, ${group} AS g, count() AS actions
FROM exception_log
WHERE updated_at >= {pfrom:DateTime64(3, 'UTC')} AND updated_at < {to:DateTime64(3, 'UTC')}
  AND ${MANUAL_ACTOR} AND ${EXCEPTION_FILTER}
GROUP BY w, g`;

export function manualActions(client: ClickHouseClient, group: string, params: KpiParams): Promise<ManualActionRow[]> {
  return runKpiQuery<ManualActionRow>(client, 'manual_actions', query(group), params, { tagsWindows: true });
}
