// Fulfilment KPIs of a window from the order and line facts: fill rates (by due time),
// cycle time (by first shipment), perfect orders (by delivery) and orders created.
//
// Definitions (DESIGN.md §6, decided here where the table is silent):
// - due: the order's due time (see sql/030) falls in the window and it was not cancelled;
//   a due order is judged on everything known when the query runs.
// - a line is "first-time complete" when its first shipment carried at least the ordered qty.
// - lineFillRate: first-time-complete lines ÷ lines of due orders plus lines first shipped in
//   the window (each line once).
// - unitFillRate: units shipped (capped at ordered) ÷ units ordered, lines of due orders.
// - orderFillRate: due orders whose lines are all first-time complete and none backordered ÷ due.
// - cycle: first shipment − creation, for orders first shipped in the window; an order "with
//   an exception" is named by any exception not dismissed as a false positive.
// - perfect: delivered in the window, every line shipped by the due time, complete as above,
//   no exception, and invoiced with an amount equal to the order value (to the cent) or with
//   no amount given.
import type { ClickHouseClient } from '@clickhouse/client';
import { ORDER_FILTER } from '../../kpi/dimensions.ts';
import { runKpiQuery, type KpiParams } from './runKpiQuery.ts';

export type OrderKpiRow = {
  g: string;
  orders_created: number;
  orders_due: number;
  orders_filled: number;
  lines_considered: number;
  lines_ok: number;
  units_due: number;
  units_shipped: number;
  cycle_p50: number | null;
  cycle_p90: number | null;
  cycle_with_exception: number | null;
  cycle_without_exception: number | null;
  delivered: number;
  perfect: number;
};

const FROM = `{from:DateTime64(3, 'UTC')}`;
const TO = `{to:DateTime64(3, 'UTC')}`;
/** The default of first_ship in sql/032: no shipment yet. */
const NOT_SHIPPED = `toDateTime64('2299-12-31 00:00:00', 3, 'UTC')`;

// Only orders with a moment (created, due, shipped, delivered) in the window can count.
const RELEVANT = `(SELECT DISTINCT order_id FROM order_moments WHERE at >= ${FROM} AND at < ${TO})`;

const query = (group: string) => `
WITH
relevant AS ${RELEVANT},
ex AS (
  SELECT order_id, groupUniqArray(type) AS ex_types, groupUniqArray(team) AS ex_teams
  FROM exceptions_current FINAL
  ARRAY JOIN order_ids AS order_id
  WHERE NOT (status = 'dismissed' AND resolution_reason = 'false_positive') AND order_id IN relevant
  GROUP BY order_id
),
lines AS (
  SELECT
    order_id,
    count() AS n_lines,
    countIf(first_ship_at IS NOT NULL AND first_qty >= ordered_qty) AS lines_first_complete,
    countIf(first_ship_at IS NULL) AS lines_unshipped,
    max(first_ship_at) AS last_first_ship,
    max(backordered) AS any_backorder,
    sum(least(shipped_qty, ordered_qty)) AS units_shipped,
    sum(ordered_qty) AS units_ordered,
    countIf(first_ship_at >= ${FROM} AND first_ship_at < ${TO}) AS lines_shipped_in,
    countIf(first_ship_at >= ${FROM} AND first_ship_at < ${TO} AND first_qty >= ordered_qty) AS lines_shipped_in_complete
  FROM
  (
    SELECT order_id, line_id, max(ordered_qty) AS ordered_qty, max(backordered) AS backordered,
           sum(shipped_qty) AS shipped_qty, min(first_ship) AS fs, if(fs.1 = ${NOT_SHIPPED}, NULL, fs.1) AS first_ship_at, fs.2 AS first_qty
    FROM order_line_facts
    WHERE order_id IN relevant
    GROUP BY order_id, line_id
    HAVING ordered_qty > 0
  )
  GROUP BY order_id
),
orders AS (
  SELECT
    order_id, min(created_at) AS created_at, min(due_at) AS due_at, max(customer_tier) AS customer_tier,
    max(warehouse) AS warehouse, max(order_value) AS order_value, min(cancelled_at) AS cancelled_at,
    min(first_ship) AS fs, if(fs.1 = ${NOT_SHIPPED}, NULL, fs.1) AS first_ship_at, fs.2 AS carrier, max(delivered_at) AS delivered_at,
    min(invoiced_at) AS invoiced_at, sum(invoiced_amount) AS invoiced_amount, max(invoiced_has_amount) AS invoiced_has_amount
  FROM order_facts
  WHERE order_id IN relevant
  GROUP BY order_id
  HAVING created_at IS NOT NULL
),
joined AS (
  SELECT o.*, l.*, ex.ex_types AS ex_types, ex.ex_teams AS ex_teams,
    o.due_at >= ${FROM} AND o.due_at < ${TO} AND o.cancelled_at IS NULL AS due_in,
    o.first_ship_at >= ${FROM} AND o.first_ship_at < ${TO} AS shipped_in,
    o.delivered_at >= ${FROM} AND o.delivered_at < ${TO} AS delivered_in,
    l.n_lines > 0 AND l.lines_first_complete = l.n_lines AND l.any_backorder = 0 AS complete,
    notEmpty(ex.ex_types) AS has_ex,
    dateDiff('millisecond', o.created_at, o.first_ship_at) / 1000 AS cycle_s
  FROM orders AS o
  LEFT JOIN lines AS l ON l.order_id = o.order_id
  LEFT JOIN ex ON ex.order_id = o.order_id
)
SELECT
  ${group} AS g,
  countIf(created_at >= ${FROM} AND created_at < ${TO}) AS orders_created,
  countIf(due_in) AS orders_due,
  countIf(due_in AND complete) AS orders_filled,
  sum(if(due_in, n_lines, lines_shipped_in)) AS lines_considered,
  sum(if(due_in, lines_first_complete, lines_shipped_in_complete)) AS lines_ok,
  sumIf(units_ordered, due_in) AS units_due,
  sumIf(units_shipped, due_in) AS units_shipped,
  quantileExactInclusiveIf(0.5)(cycle_s, shipped_in) AS cycle_p50,
  quantileExactInclusiveIf(0.9)(cycle_s, shipped_in) AS cycle_p90,
  avgIf(cycle_s, shipped_in AND has_ex) AS cycle_with_exception,
  avgIf(cycle_s, shipped_in AND NOT has_ex) AS cycle_without_exception,
  countIf(delivered_in) AS delivered,
  countIf(delivered_in AND complete AND lines_unshipped = 0 AND last_first_ship <= due_at AND NOT has_ex
          AND invoiced_at IS NOT NULL AND (invoiced_has_amount = 0 OR abs(invoiced_amount - order_value) < 0.005)) AS perfect
FROM joined
WHERE ${ORDER_FILTER}
GROUP BY g`;

export function orderKpis(client: ClickHouseClient, group: string, params: KpiParams): Promise<OrderKpiRow[]> {
  return runKpiQuery<OrderKpiRow>(client, 'order_kpis', query(group), params);
}
