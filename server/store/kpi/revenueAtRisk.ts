// Revenue at risk at the end of the window: the open exceptions' affected order lines, each
// (order, line) counted once however many exceptions name it, valued at ordered qty × unit
// price from the fulfilment facts. An exception's lines are details.lineIds when the detector
// names them, else every line of its orders. An exception none of whose lines are known (no
// orders, or orders not seen yet) counts its own revenueAtRisk.
import type { ClickHouseClient } from '@clickhouse/client';
import { EXCEPTION_FILTER } from '../../kpi/dimensions.ts';
import { exceptionSnapshot, FINAL, OPEN_AT_END } from './exceptionSnapshot.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type RevenueAtRiskRow = { g: string; revenue: number };

// The snapshot is read once, for the open exceptions; the facts are narrowed to the orders
// any version of a candidate names (a superset of the open ones' orders, without a second
// snapshot); every other step works on the rows already joined. Both windows at once: each
// step keeps w (see exceptionSnapshot).
const query = (group: string) => `
WITH
open AS (
  SELECT w, ${group} AS g, exception_id, order_ids, revenue_at_risk, JSONExtract(details, 'lineIds', 'Array(String)') AS line_ids
  FROM (${exceptionSnapshot(['order_ids', 'details'], OPEN_AT_END)})
  WHERE status NOT IN ${FINAL} AND ${EXCEPTION_FILTER}
)
SELECT w, g, sum(value) AS revenue FROM
(
  SELECT w, g, key, any(value) AS value FROM
  (
    SELECT w, g, exception_id,
      arrayJoin(if(countIf(matched) = 0, [tuple(concat('exception:', exception_id), any(revenue_at_risk))],
                   groupArrayIf(tuple(concat(order_id, '/', line_id), line_value), matched))) AS kv,
      kv.1 AS key, kv.2 AS value
    FROM
    (
      SELECT o.w AS w, o.g AS g, o.exception_id AS exception_id, o.revenue_at_risk AS revenue_at_risk, o.order_id AS order_id,
             v.line_id AS line_id, v.value AS line_value,
             v.line_id != '' AND (empty(o.line_ids) OR has(o.line_ids, v.line_id)) AS matched
      FROM (SELECT w, g, exception_id, revenue_at_risk, line_ids, order_id FROM open ARRAY JOIN if(empty(order_ids), [''], order_ids) AS order_id) AS o
      LEFT JOIN
      (
        SELECT order_id, line_id, max(ordered_qty) * max(unit_price) AS value
        FROM order_line_facts
        WHERE order_id IN (SELECT arrayJoin(order_ids) FROM exception_log WHERE exception_id IN (${OPEN_AT_END}))
        GROUP BY order_id, line_id
      ) AS v ON v.order_id = o.order_id
    )
    GROUP BY w, g, exception_id
  )
  GROUP BY w, g, key
)
GROUP BY w, g`;

export function revenueAtRisk(client: ClickHouseClient, group: string, params: KpiParams): Promise<RevenueAtRiskRow[]> {
  return runKpiQuery<RevenueAtRiskRow>(client, 'revenue_at_risk', query(group), params);
}
