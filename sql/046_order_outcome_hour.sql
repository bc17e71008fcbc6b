-- Order outcomes by hour, for long windows: a 30-day window read every outcome row of its
-- 30 days (≈ 2 × 20M rows for the current and the previous window at 100M events) to add up
-- a handful of sums. The whole hours inside a window now come from this rollup; only the
-- rows at its two ragged ends, and the rows whose contribution depends on the window itself,
-- are read from order_outcome_rows (server/store/kpi/orderKpis.ts):
-- - line_shipped rows count unless their order is due (and active) in the same window, a
--   test on due_at against the window's bounds that no hour bucket can answer;
-- - shipped rows also give the exact cycle-time quantiles, which need every value.
--
-- Fed from order_outcome_rows, so taken-back outcomes (sign −1) enter with their sign and
-- cancel what they took back, as they do in the rows. cycle_ms is the cycle in whole
-- milliseconds (the facts are DateTime64(3)), so its sums are exact integers.
CREATE TABLE IF NOT EXISTS order_outcome_hour
(
    kind LowCardinality(String),
    hour DateTime('UTC'),
    customer_tier LowCardinality(String),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    ex_types Array(String),
    ex_teams Array(String),
    active UInt8,
    has_ex UInt8,
    n SimpleAggregateFunction(sum, Int64),
    filled SimpleAggregateFunction(sum, Int64),
    lines SimpleAggregateFunction(sum, Int64),
    lines_ok SimpleAggregateFunction(sum, Int64),
    units_ordered SimpleAggregateFunction(sum, Float64),
    units_shipped SimpleAggregateFunction(sum, Float64),
    cycle_ms SimpleAggregateFunction(sum, Int64),
    perfect SimpleAggregateFunction(sum, Int64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (kind, hour, customer_tier, warehouse, carrier, ex_types, ex_teams, active, has_ex);

CREATE MATERIALIZED VIEW IF NOT EXISTS order_outcome_hour_mv TO order_outcome_hour AS
SELECT kind, toStartOfHour(at) AS hour, customer_tier, warehouse, carrier, ex_types, ex_teams, active, has_ex,
       sum(toInt64(sign)) AS n, sum(sign * filled) AS filled, sum(sign * lines) AS lines, sum(sign * lines_ok) AS lines_ok,
       sum(sign * units_ordered) AS units_ordered, sum(sign * units_shipped) AS units_shipped,
       sum(sign * toInt64(round(cycle_s * 1000))) AS cycle_ms, sum(sign * perfect) AS perfect
FROM order_outcome_rows
WHERE kind != 'line_shipped'
GROUP BY kind, hour, customer_tier, warehouse, carrier, ex_types, ex_teams, active, has_ex;

-- The outcomes recorded before this migration: the view's own query over the rows already
-- there (a view with TO cannot populate itself), so the two must stay the same.
INSERT INTO order_outcome_hour
SELECT kind, toStartOfHour(at) AS hour, customer_tier, warehouse, carrier, ex_types, ex_teams, active, has_ex,
       sum(toInt64(sign)) AS n, sum(sign * filled) AS filled, sum(sign * lines) AS lines, sum(sign * lines_ok) AS lines_ok,
       sum(sign * units_ordered) AS units_ordered, sum(sign * units_shipped) AS units_shipped,
       sum(sign * toInt64(round(cycle_s * 1000))) AS cycle_ms, sum(sign * perfect) AS perfect
FROM order_outcome_rows
WHERE kind != 'line_shipped'
GROUP BY kind, hour, customer_tier, warehouse, carrier, ex_types, ex_teams, active, has_ex;
