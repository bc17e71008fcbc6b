// Fulfilment KPIs of a window from the order outcomes (sql/033, derived from the order and
// line facts): fill rates (by due time),
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
import { bucketsAtTheEnds, inBothWindows, wholeBuckets, windowOf } from './windows.ts';

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

// Reads the order outcomes (sql/033, kept current by refreshOrderOutcomes): each order's
// contribution is decided per order there; here only "is its moment in the window?" is
// asked, and rows count with their sign (a taken-back outcome cancels itself).
// A line first shipped in the window counts unless its order is due (and active) in it.
//
// Both windows in one pass (windows.ts; at 10M events planning was 33 of this query's 38 ms
// per window). The whole hours inside each window come from the hour rollup (sql/046). From
// order_outcome_rows: the partial hours at the ends, and every line_shipped row (its test of
// due_at against its window no bucket can answer). A window under two hours may have no
// whole hour and is read from rows only.

/**
 * Every contribution of the two windows, as sums per bucket (rollup) or per row (rows). A
 * line_shipped row gives only its lines (every other measure 0), so that the many of them in
 * a long window are read for the four columns their test and lines need, not all twelve.
 */
const contributions = (group: string) => `
  SELECT ${windowOf('hour')} AS w, ${group} AS g, kind, active, has_ex, toUInt8(0) AS due_in,
         n, filled, lines, lines_ok, units_ordered, units_shipped, cycle_ms, perfect
  FROM order_outcome_hour
  WHERE ${wholeBuckets('Hour', 'hour')} AND ${ORDER_FILTER}
  UNION ALL
  SELECT ${windowOf('at')} AS w, ${group} AS g, kind, active, has_ex, toUInt8(0) AS due_in,
         toInt64(sign) AS n, sign * filled AS filled, sign * lines AS lines, sign * lines_ok AS lines_ok,
         sign * units_ordered AS units_ordered, sign * units_shipped AS units_shipped,
         sign * toInt64(round(cycle_s * 1000)) AS cycle_ms, sign * perfect AS perfect
  FROM order_outcome_rows
  WHERE kind != 'line_shipped' AND ${inBothWindows('at')} AND ${bucketsAtTheEnds('Hour', 'at')} AND ${ORDER_FILTER}
  UNION ALL
  SELECT ${windowOf('at')} AS w, ${group} AS g, kind, active, toUInt8(0) AS has_ex,
         active AND ${inBothWindows('due_at')} AND ${windowOf('due_at')} = w AS due_in,
         toInt64(sign) AS n, toInt64(0) AS filled, sign * lines AS lines, sign * lines_ok AS lines_ok,
         toFloat64(0) AS units_ordered, toFloat64(0) AS units_shipped, toInt64(0) AS cycle_ms, toInt64(0) AS perfect
  FROM order_outcome_rows
  WHERE kind = 'line_shipped' AND ${inBothWindows('at')} AND ${ORDER_FILTER}`;

const query = (group: string) => `
WITH
counts AS (
  SELECT
    w, g,
    sumIf(n, kind = 'created') AS orders_created,
    sumIf(n, kind = 'due' AND active) AS orders_due,
    sumIf(filled, kind = 'due' AND active) AS orders_filled,
    sumIf(lines, (kind = 'due' AND active) OR (kind = 'line_shipped' AND NOT due_in)) AS lines_considered,
    sumIf(lines_ok, (kind = 'due' AND active) OR (kind = 'line_shipped' AND NOT due_in)) AS lines_ok,
    sumIf(units_ordered, kind = 'due' AND active) AS units_due,
    sumIf(units_shipped, kind = 'due' AND active) AS units_shipped,
    sumIf(cycle_ms, kind = 'shipped' AND has_ex) / 1000 / sumIf(n, kind = 'shipped' AND has_ex) AS cycle_with_exception,
    sumIf(cycle_ms, kind = 'shipped' AND NOT has_ex) / 1000 / sumIf(n, kind = 'shipped' AND NOT has_ex) AS cycle_without_exception,
    sumIf(n, kind = 'delivered') AS delivered,
    sumIf(perfect, kind = 'delivered') AS perfect
  FROM (${contributions(group)})
  GROUP BY w, g
  HAVING sum(n) > 0
),
-- exact quantiles over the cycles that stand, from the shipped rows of the window. A cycle
-- taken back (sign −1) is a copy of the row it cancels: rows of order, moment and value never
-- taken back count once each; the few that were (the orders refreshed since the engine last
-- merged them away) as often as their net count. The taken-back rows are found through the
-- sign index (sql/047), not by reading every sign of the windows; when there are none (their
-- count is known while planning) neither branch tests rows against them.
shipped AS (
  SELECT ${windowOf('at')} AS w, ${group} AS g, order_id, at, cycle_s, sign FROM order_outcome_rows
  WHERE kind = 'shipped' AND ${inBothWindows('at')} AND ${ORDER_FILTER}
),
taken_back AS (
  SELECT order_id, at, cycle_s FROM order_outcome_rows WHERE kind = 'shipped' AND sign < 0 AND ${inBothWindows('at')}
),
cycles AS (
  SELECT w, g, quantileExactInclusive(0.5)(c) AS cycle_p50, quantileExactInclusive(0.9)(c) AS cycle_p90
  FROM (
    SELECT w, g, cycle_s AS c FROM shipped WHERE (SELECT count() FROM taken_back) = 0 OR (order_id, at, cycle_s) NOT IN (SELECT * FROM taken_back)
    UNION ALL
    SELECT w, g, c FROM (
      SELECT w, g, cycle_s AS c, sum(sign) AS n FROM shipped WHERE (SELECT count() FROM taken_back) > 0 AND (order_id, at, cycle_s) IN (SELECT * FROM taken_back)
      GROUP BY w, g, order_id, at, c HAVING n > 0
    )
    ARRAY JOIN range(toUInt64(n)) AS copy
  )
  GROUP BY w, g
)
SELECT counts.*, cycles.cycle_p50 AS cycle_p50, cycles.cycle_p90 AS cycle_p90
FROM counts
LEFT JOIN cycles ON cycles.w = counts.w AND cycles.g = counts.g
SETTINGS join_use_nulls = 1`;

export function orderKpis(client: ClickHouseClient, group: string, params: KpiParams): Promise<OrderKpiRow[]> {
  // The engine's default threads: this is the one KPI statement whose reading grows with the
  // window (every line_shipped and shipped row of it) — at 100M events, 30 days, 823 ms on
  // one thread, 551 on two; the whole set 2.1–2.5 s with one, 1.8–1.9 s with the default.
  return runKpiQuery<OrderKpiRow>(client, 'order_kpis', query(group), params, { threads: 0 });
}
