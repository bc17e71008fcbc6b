// Brings order_outcome_rows (sql/033) up to date: for every order touched since the last
// refresh, takes back the rows its previous outcome contributed (sign −1), recomputes its
// outcome from its facts and exceptions and adds the new rows (+1, by the view on
// order_outcome_current). Run before order KPIs are read, so they are exact as of now.
//
// Definitions are those of orderKpis.ts / DEFINITIONS.md; what depends on the window (is
// the time in it?) is left to the reader, everything else is decided here per order.
import type { ClickHouseClient } from '@clickhouse/client';

/** The default of first_ship in sql/032: no shipment yet. */
const NOT_SHIPPED = `toDateTime64('2299-12-31 00:00:00', 3, 'UTC')`;
const SINCE = `{since:DateTime64(3, 'UTC')}`;
const UP_TO = `{upTo:DateTime64(3, 'UTC')}`;
// One slice of the touched orders (by a hash of the id): see ORDERS_PER_SLICE.
const TOUCHED = `(SELECT DISTINCT order_id FROM order_touches WHERE touched_at > ${SINCE} AND touched_at <= ${UP_TO} AND cityHash64(order_id) % {slices:UInt32} = {slice:UInt32})`;

/**
 * Orders recomputed per pair of statements. The first refresh after a bulk import touches
 * every order, and one GROUP BY over millions of orders outgrows the engine's memory limit;
 * in slices each statement holds a bounded share. A refresh that touches fewer is one slice.
 */
export const ORDERS_PER_SLICE = 1_000_000;

const COLUMNS = `customer_tier, warehouse, carrier, ex_types, ex_teams, active, due_at, lines, lines_ok, units_ordered, units_shipped, filled, cycle_s, has_ex, perfect`;

// The newest earlier version of each touched order, taken back with sign −1.
const TAKE_BACK = `
INSERT INTO order_outcome_rows (kind, at, order_id, sign, ${COLUMNS})
SELECT kind, at, order_id, toInt8(-1), ${COLUMNS}
FROM order_outcome_current
WHERE order_id IN ${TOUCHED}
  AND (order_id, version) IN (
    SELECT order_id, max(version) FROM order_outcome_current
    WHERE order_id IN ${TOUCHED} AND version < {version:UInt64}
    GROUP BY order_id)`;

const COMPUTE = `
INSERT INTO order_outcome_current (order_id, version, kind, at, ${COLUMNS})
WITH
touched AS ${TOUCHED},
ex AS (
  SELECT order_id, groupUniqArray(type) AS ex_types, groupUniqArray(team) AS ex_teams
  FROM exceptions_current FINAL
  ARRAY JOIN order_ids AS order_id
  WHERE NOT (status = 'dismissed' AND resolution_reason = 'false_positive') AND order_id IN touched
  GROUP BY order_id
),
line_rows AS (
  SELECT order_id, line_id, max(ordered_qty) AS ordered_qty, max(backordered) AS backordered,
         sum(shipped_qty) AS shipped_qty, min(first_ship) AS fs, if(fs.1 = ${NOT_SHIPPED}, NULL, fs.1) AS first_ship_at, fs.2 AS first_qty
  FROM order_line_facts
  WHERE order_id IN touched
  GROUP BY order_id, line_id
  HAVING ordered_qty > 0
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
    sum(ordered_qty) AS units_ordered
  FROM line_rows
  GROUP BY order_id
),
line_ships AS (
  SELECT order_id, assumeNotNull(first_ship_at) AS at, count() AS n, countIf(first_qty >= ordered_qty) AS ok
  FROM line_rows
  WHERE first_ship_at IS NOT NULL
  GROUP BY order_id, at
),
orders AS (
  SELECT
    order_id, min(created_at) AS created_at, min(due_at) AS due_at, max(customer_tier) AS customer_tier,
    max(warehouse) AS warehouse, max(order_value) AS order_value, min(cancelled_at) AS cancelled_at,
    min(first_ship) AS fs, if(fs.1 = ${NOT_SHIPPED}, NULL, fs.1) AS first_ship_at, fs.2 AS carrier, max(delivered_at) AS delivered_at,
    min(invoiced_at) AS invoiced_at, sum(invoiced_amount) AS invoiced_amount, max(invoiced_has_amount) AS invoiced_has_amount
  FROM order_facts
  WHERE order_id IN touched
  GROUP BY order_id
  HAVING created_at IS NOT NULL
),
judged AS (
  SELECT
    o.order_id AS order_id, assumeNotNull(o.created_at) AS created, ifNull(o.due_at, created) AS due,
    o.first_ship_at AS first_ship_at, o.delivered_at AS delivered_at,
    o.customer_tier AS customer_tier, o.warehouse AS warehouse, o.carrier AS carrier,
    ex.ex_types AS ex_types, ex.ex_teams AS ex_teams,
    toUInt8(o.cancelled_at IS NULL) AS active,
    l.n_lines AS n_lines, l.lines_first_complete AS lines_first_complete,
    l.units_ordered AS units_ordered, l.units_shipped AS units_shipped,
    l.n_lines > 0 AND l.lines_first_complete = l.n_lines AND l.any_backorder = 0 AS complete,
    toUInt8(notEmpty(ex.ex_types)) AS has_ex,
    ifNull(dateDiff('millisecond', o.created_at, o.first_ship_at) / 1000, 0) AS cycle_s,
    toUInt8(complete AND l.lines_unshipped = 0 AND ifNull(l.last_first_ship <= o.due_at, 0) AND NOT has_ex
            AND o.invoiced_at IS NOT NULL AND (o.invoiced_has_amount = 0 OR abs(o.invoiced_amount - o.order_value) < 0.005)) AS perfect
  FROM orders AS o
  LEFT JOIN lines AS l ON l.order_id = o.order_id
  LEFT JOIN ex ON ex.order_id = o.order_id
)
SELECT order_id, {version:UInt64}, m.1 AS kind, m.2 AS at,
  customer_tier, warehouse, carrier, ex_types, ex_teams, active, due, n_lines, lines_first_complete,
  units_ordered, units_shipped, toUInt8(complete), cycle_s, has_ex, perfect
FROM judged
ARRAY JOIN arrayConcat(
  [('created', created), ('due', due)],
  if(first_ship_at IS NULL, [], [('shipped', assumeNotNull(first_ship_at))]),
  if(delivered_at IS NULL, [], [('delivered', assumeNotNull(delivered_at))])) AS m
UNION ALL
SELECT j.order_id, {version:UInt64}, 'line_shipped', s.at,
  j.customer_tier, j.warehouse, j.carrier, j.ex_types, j.ex_teams, j.active, j.due, toUInt32(s.n), toUInt32(s.ok),
  0, 0, 0, 0, j.has_ex, 0
FROM line_ships AS s
INNER JOIN judged AS j ON j.order_id = s.order_id`;

export type RefreshReport = { version: number; orders: number; slices: number };

async function one<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T> {
  const rows = await (await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
  return rows[0];
}

async function refresh(client: ClickHouseClient, ordersPerSlice: number): Promise<RefreshReport | null> {
  const last = await one<{ version: number; since: string }>(client,
    `SELECT max(version) AS version, toString(max(touched_to)) AS since FROM order_outcome_refreshes`);
  const since = last.version > 0 ? last.since : '1970-01-01 00:00:00.000';
  const upTo = await one<{ upTo: string | null; orders: number }>(client,
    // touches of the current millisecond wait for the next refresh, so none inserted
    // later in that millisecond is missed
    `SELECT toString(max(touched_at)) AS upTo, uniqExact(order_id) AS orders FROM order_touches
     WHERE touched_at > {since:DateTime64(3, 'UTC')} AND touched_at < now64(3, 'UTC')`, { since });
  if (!upTo.orders || !upTo.upTo) return null;
  const version = Number(last.version) + 1;
  const slices = Math.max(1, Math.ceil(upTo.orders / ordersPerSlice));
  const settings = { max_execution_time: 0 };
  // Not transactional: a crash between these statements leaves an order's old outcome
  // counted next to its new one until the outcome tables are rebuilt (DEFINITIONS.md).
  // The old rows are taken back before the new ones arrive: CollapsingMergeTree keeps the
  // last +1 row of a key, so a new +1 merged before the −1 of the old would be lost.
  for (let slice = 0; slice < slices; slice++) {
    const params = { since, upTo: upTo.upTo, version, slices, slice };
    await client.command({ query: TAKE_BACK, query_params: params, clickhouse_settings: settings });
    await client.command({ query: COMPUTE, query_params: params, clickhouse_settings: settings });
  }
  await client.insert({ table: 'order_outcome_refreshes', values: [{ version, touched_to: upTo.upTo, orders: upTo.orders }], format: 'JSONEachRow' });
  return { version, orders: upTo.orders, slices };
}

// One refresh at a time per client: two refreshes interleaved (the engine runs statements
// side by side) could take back the same outcome twice.
const running = new WeakMap<ClickHouseClient, Promise<RefreshReport | null>>();

export function refreshOrderOutcomes(client: ClickHouseClient, opts: { ordersPerSlice?: number } = {}): Promise<RefreshReport | null> {
  const previous = running.get(client) ?? Promise.resolve(null);
  const next = previous.catch(() => null).then(() => refresh(client, opts.ordersPerSlice ?? ORDERS_PER_SLICE));
  running.set(client, next);
  return next;
}
