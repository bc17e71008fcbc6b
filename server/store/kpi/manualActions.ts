// Manual actions taken in the window (see MANUAL_ACTOR), grouped by the exception's dimensions;
// both windows in one pass (windows.ts).
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { MANUAL_ACTOR } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';
import { inBothWindows, windowOf } from './windows.ts';

export type ManualActionRow = { g: string; actions: number };

const query = (group: string) => `
SELECT ${windowOf('updated_at')} AS w, ${group} AS g, count() AS actions
FROM exception_log
WHERE ${inBothWindows('updated_at')} AND ${MANUAL_ACTOR} AND ${EXCEPTION_FILTER}
GROUP BY w, g`;

export function manualActions(client: ClickHouseClient, group: string, params: KpiParams): Promise<ManualActionRow[]> {
  return runKpiQuery<ManualActionRow>(client, 'manual_actions', query(group), params);
}
