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

// Reads order_outcome_rows (sql/033, kept current by refreshOrderOutcomes): each order's
// contribution is decided per order there; here only "is its moment in the window?" is
// asked, and rows count with their sign (a taken-back outcome cancels itself).
// A line first shipped in the window counts unless its order is due (and active) in it.
const query = (group: string) => `
WITH
rows AS (
  SELECT kind, at, sign, active, due_at, lines, lines_ok, units_ordered, units_shipped, filled, cycle_s, has_ex, perfect, ${group} AS g
  FROM order_outcome_rows
  WHERE at >= ${FROM} AND at < ${TO} AND ${ORDER_FILTER}
),
counts AS (
  SELECT
    g,
    sumIf(sign, kind = 'created') AS orders_created,
    sumIf(sign, kind = 'due' AND active) AS orders_due,
    sumIf(sign * filled, kind = 'due' AND active) AS orders_filled,
    sumIf(sign * lines, (kind = 'due' AND active) OR (kind = 'line_shipped' AND NOT (active AND due_at >= ${FROM} AND due_at < ${TO}))) AS lines_considered,
    sumIf(sign * lines_ok, (kind = 'due' AND active) OR (kind = 'line_shipped' AND NOT (active AND due_at >= ${FROM} AND due_at < ${TO}))) AS lines_ok,
    sumIf(sign * units_ordered, kind = 'due' AND active) AS units_due,
    sumIf(sign * units_shipped, kind = 'due' AND active) AS units_shipped,
    sumIf(sign * cycle_s, kind = 'shipped' AND has_ex) / sumIf(sign, kind = 'shipped' AND has_ex) AS cycle_with_exception,
    sumIf(sign * cycle_s, kind = 'shipped' AND NOT has_ex) / sumIf(sign, kind = 'shipped' AND NOT has_ex) AS cycle_without_exception,
    sumIf(sign, kind = 'delivered') AS delivered,
    sumIf(sign * perfect, kind = 'delivered') AS perfect
  FROM rows
  GROUP BY g
  HAVING sum(sign) > 0
),
-- exact quantiles over the cycles that stand: straight from the rows when no cycle of the
-- window was taken back (merges collapse most), else each value as often as its net count
taken_back AS (SELECT countIf(sign < 0) FROM order_outcome_rows WHERE kind = 'shipped' AND at >= ${FROM} AND at < ${TO}),
cycles AS (
  SELECT g, quantileExactInclusive(0.5)(cycle_s) AS cycle_p50, quantileExactInclusive(0.9)(cycle_s) AS cycle_p90
  FROM rows
  WHERE kind = 'shipped' AND (SELECT * FROM taken_back) = 0
  GROUP BY g
  UNION ALL
  SELECT g, quantileExactInclusive(0.5)(c) AS cycle_p50, quantileExactInclusive(0.9)(c) AS cycle_p90
  FROM (SELECT g, cycle_s AS c, sum(sign) AS n FROM rows WHERE kind = 'shipped' AND (SELECT * FROM taken_back) > 0 GROUP BY g, c HAVING n > 0)
  ARRAY JOIN range(toUInt64(n)) AS copy
  GROUP BY g
)
SELECT counts.*, cycles.cycle_p50 AS cycle_p50, cycles.cycle_p90 AS cycle_p90
FROM counts
LEFT JOIN cycles ON cycles.g = counts.g
SETTINGS join_use_nulls = 1`;

export function orderKpis(client: ClickHouseClient, group: string, params: KpiParams): Promise<OrderKpiRow[]> {
  return runKpiQuery<OrderKpiRow>(client, 'order_kpis', query(group), params);
}
