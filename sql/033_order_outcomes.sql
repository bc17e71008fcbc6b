-- Order outcomes (sql/030, 032 stay as applied): what each order contributes to the order
-- KPIs, one row per moment that can put it in a window, so a window reads the rows of its
-- moments (sorted by time) instead of merging every fact of every order it touches.
--
-- order_touches: orders whose facts or exceptions changed, and when (the insert time).
-- The KPI engine recomputes the outcome of the orders touched since its last refresh
-- (server/store/kpi/refreshOrderOutcomes.ts) before it answers, so outcomes are as exact
-- and as current as the facts: an order is judged on everything known when the query runs.
CREATE TABLE IF NOT EXISTS order_touches
(
    touched_at DateTime64(3, 'UTC'),
    order_id String
)
ENGINE = MergeTree
ORDER BY touched_at;

CREATE MATERIALIZED VIEW IF NOT EXISTS order_touches_events_mv TO order_touches AS
SELECT now64(3, 'UTC') AS touched_at, order_id
FROM events
WHERE order_id != ''
GROUP BY order_id;

-- An exception naming an order (or its dismissal as a false positive) changes whether the
-- order counts as "with an exception".
CREATE MATERIALIZED VIEW IF NOT EXISTS order_touches_exceptions_mv TO order_touches AS
SELECT now64(3, 'UTC') AS touched_at, order_id
FROM exception_log
ARRAY JOIN order_ids AS order_id
WHERE order_id != ''
GROUP BY order_id;

-- The current outcome rows of each order, per refresh (version); the latest version of an
-- order is its contribution now, and the one the next refresh takes back.
-- kind: created (at = creation), due (at = due time; active = not cancelled), shipped
-- (at = first shipment; cycle_s, has_ex), delivered (at = last delivery; perfect), and
-- line_shipped (at = a first shipment time of some of its lines; lines, lines_ok, and the
-- order's due_at/active so a window can leave out the lines of orders due in it).
CREATE TABLE IF NOT EXISTS order_outcome_current
(
    order_id String,
    version UInt64,
    kind LowCardinality(String),
    at DateTime64(3, 'UTC'),
    customer_tier LowCardinality(String),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    ex_types Array(String),
    ex_teams Array(String),
    active UInt8,
    due_at DateTime64(3, 'UTC'),
    lines UInt32,
    lines_ok UInt32,
    units_ordered Float64,
    units_shipped Float64,
    filled UInt8,
    cycle_s Float64,
    has_ex UInt8,
    perfect UInt8
)
ENGINE = MergeTree
ORDER BY (order_id, version);

-- Every contribution ever made (+1) and taken back (−1), by moment: a window sums sign ×
-- value over the rows of its moments, which is exact whatever merges have collapsed.
CREATE TABLE IF NOT EXISTS order_outcome_rows
(
    kind LowCardinality(String),
    at DateTime64(3, 'UTC'),
    order_id String,
    sign Int8,
    customer_tier LowCardinality(String),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    ex_types Array(String),
    ex_teams Array(String),
    active UInt8,
    due_at DateTime64(3, 'UTC'),
    lines UInt32,
    lines_ok UInt32,
    units_ordered Float64,
    units_shipped Float64,
    filled UInt8,
    cycle_s Float64,
    has_ex UInt8,
    perfect UInt8
)
ENGINE = CollapsingMergeTree(sign)
PARTITION BY toYYYYMM(at)
ORDER BY (kind, at, order_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS order_outcome_rows_mv TO order_outcome_rows AS
SELECT kind, at, order_id, toInt8(1) AS sign, customer_tier, warehouse, carrier, ex_types, ex_teams, active, due_at,
       lines, lines_ok, units_ordered, units_shipped, filled, cycle_s, has_ex, perfect
FROM order_outcome_current;

-- Orders recorded before this migration get their outcome at the first refresh.
INSERT INTO order_touches (touched_at, order_id)
SELECT now64(3, 'UTC'), order_id FROM order_facts GROUP BY order_id;

-- One row per refresh: its version and the newest touch it took in (the next refresh takes
-- the touches after it).
CREATE TABLE IF NOT EXISTS order_outcome_refreshes
(
    version UInt64,
    touched_to DateTime64(3, 'UTC'),
    orders UInt64,
    refreshed_at DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY version;
