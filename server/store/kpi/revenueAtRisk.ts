// Revenue at risk at the end of the window: the open exceptions' affected order lines, each
// (order, line) counted once however many exceptions name it, valued at ordered qty × unit
// price from the fulfilment facts. An exception's lines are details.lineIds when the detector
// names them, else every line of its orders. An exception none of whose lines are known (no
// orders, or orders not seen yet) counts its own revenueAtRisk.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { EXCEPTION_SNAPSHOT, FINAL } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type RevenueAtRiskRow = { g: string; revenue: number };

const query = (group: string) => `
WITH
open AS (
  SELECT ${group} AS g, exception_id, order_ids, revenue_at_risk, JSONExtract(details, 'lineIds', 'Array(String)') AS line_ids
  FROM (${EXCEPTION_SNAPSHOT})
  WHERE status NOT IN ${FINAL} AND ${EXCEPTION_FILTER}
),
named AS (
  SELECT g, exception_id, order_id, line_ids FROM open ARRAY JOIN order_ids AS order_id
),
line_values AS (
  SELECT order_id, line_id, max(ordered_qty) * max(unit_price) AS value
  FROM order_line_facts
  WHERE order_id IN (SELECT order_id FROM named)
  GROUP BY order_id, line_id
),
affected AS (
  SELECT n.g AS g, n.exception_id AS exception_id, v.order_id AS order_id, v.line_id AS line_id, v.value AS value
  FROM named AS n INNER JOIN line_values AS v ON v.order_id = n.order_id
  WHERE empty(n.line_ids) OR has(n.line_ids, v.line_id)
)
SELECT g, sum(revenue) AS revenue FROM
(
  SELECT g, any(value) AS revenue FROM affected GROUP BY g, order_id, line_id
  UNION ALL
  SELECT g, revenue_at_risk AS revenue FROM open
  WHERE exception_id NOT IN (SELECT exception_id FROM affected)
)
GROUP BY g`;

export function revenueAtRisk(client: ClickHouseClient, group: string, params: KpiParams): Promise<RevenueAtRiskRow[]> {
  return runKpiQuery<RevenueAtRiskRow>(client, 'revenue_at_risk', query(group), params);
}
