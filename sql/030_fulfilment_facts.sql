-- Order and line fulfilment facts (DESIGN.md §6), derived from events by materialized
-- views. One row per order / per order line after merges; partial rows from each event
-- are combined with -Merge / the SimpleAggregateFunction of each column when read.
-- "Due" = promisedShipDate (else requestedShipDate, else the order's creation time);
-- a date without a time is due by the end of that day in UTC. Offsets are honoured.
-- No TTL: these facts are the long history the KPIs are computed from.
CREATE TABLE IF NOT EXISTS order_facts
(
    order_id String,
    created_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    due_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    customer_id SimpleAggregateFunction(max, String),
    customer_tier SimpleAggregateFunction(max, String),
    warehouse SimpleAggregateFunction(max, String),
    line_count SimpleAggregateFunction(max, UInt32),
    order_value SimpleAggregateFunction(max, Float64),
    cancelled_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    -- (time, carrier) of the first shipment; the far-future default marks "not shipped" and
    -- lets every view write plain rows (min of a tuple needs no GROUP BY at insert time).
    first_ship SimpleAggregateFunction(min, Tuple(DateTime64(3, 'UTC'), String)) DEFAULT (toDateTime64('2299-12-31 00:00:00', 3, 'UTC'), ''),
    delivered_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    invoiced_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    invoiced_amount SimpleAggregateFunction(sum, Float64),
    invoiced_has_amount SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
ORDER BY order_id;

CREATE TABLE IF NOT EXISTS order_line_facts
(
    order_id String,
    line_id String,
    ordered_qty SimpleAggregateFunction(max, Float64),
    unit_price SimpleAggregateFunction(max, Float64),
    due_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    backordered SimpleAggregateFunction(max, UInt8),
    shipped_qty SimpleAggregateFunction(sum, Float64),
    -- (time, qty) of the first shipment carrying the line; far future = not shipped.
    first_ship SimpleAggregateFunction(min, Tuple(DateTime64(3, 'UTC'), Float64)) DEFAULT (toDateTime64('2299-12-31 00:00:00', 3, 'UTC'), 0)
)
ENGINE = AggregatingMergeTree
ORDER BY (order_id, line_id);

-- The moments an order can enter a window's KPIs — created, due, shipped, delivered — so
-- a window finds its orders by time without reading every fact.
CREATE TABLE IF NOT EXISTS order_moments
(
    at DateTime64(3, 'UTC'),
    order_id String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, order_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS order_facts_created_mv TO order_facts AS
WITH
    coalesce(nullIf(JSONExtractString(attrs, 'promisedShipDate'), ''), nullIf(JSONExtractString(attrs, 'requestedShipDate'), '')) AS due_text,
    JSONExtractArrayRaw(attrs, 'lines') AS lines
SELECT
    order_id,
    ts AS created_at,
    coalesce(if(length(due_text) = 10, addMilliseconds(toDateTime64(toDateOrNull(due_text), 3, 'UTC'), 86399999), parseDateTime64BestEffortOrNull(due_text, 3, 'UTC')), ts) AS due_at,
    customer_id,
    JSONExtractString(attrs, 'customerTier') AS customer_tier,
    warehouse,
    toUInt32(length(lines)) AS line_count,
    arraySum(l -> JSONExtractFloat(l, 'qty') * JSONExtractFloat(l, 'unitPrice'), lines) AS order_value
FROM events
WHERE type = 'order.created';

CREATE MATERIALIZED VIEW IF NOT EXISTS order_moments_created_mv TO order_moments AS
WITH coalesce(nullIf(JSONExtractString(attrs, 'promisedShipDate'), ''), nullIf(JSONExtractString(attrs, 'requestedShipDate'), '')) AS due_text
SELECT
    arrayJoin([ts, coalesce(if(length(due_text) = 10, addMilliseconds(toDateTime64(toDateOrNull(due_text), 3, 'UTC'), 86399999), parseDateTime64BestEffortOrNull(due_text, 3, 'UTC')), ts)]) AS at,
    order_id
FROM events
WHERE type = 'order.created';

CREATE MATERIALIZED VIEW IF NOT EXISTS order_moments_progress_mv TO order_moments AS
SELECT ts AS at, order_id
FROM events
WHERE order_id != '' AND (type = 'shipment.created' OR (type = 'shipment.status' AND JSONExtractString(attrs, 'status') = 'delivered'));

CREATE MATERIALIZED VIEW IF NOT EXISTS order_facts_progress_mv TO order_facts AS
SELECT
    order_id,
    if(type = 'order.cancelled', ts, NULL) AS cancelled_at,
    if(type = 'shipment.status', ts, NULL) AS delivered_at,
    if(type = 'order.invoiced', ts, NULL) AS invoiced_at,
    if(type = 'order.invoiced', ifNull(amount, 0), 0) AS invoiced_amount,
    toUInt8(type = 'order.invoiced' AND amount IS NOT NULL) AS invoiced_has_amount,
    warehouse
FROM events
WHERE order_id != ''
  AND (type IN ('order.cancelled', 'order.invoiced', 'inventory.allocated')
       OR (type = 'shipment.status' AND JSONExtractString(attrs, 'status') = 'delivered'));

CREATE MATERIALIZED VIEW IF NOT EXISTS order_facts_shipped_mv TO order_facts AS
SELECT order_id, tuple(ts, carrier) AS first_ship, warehouse
FROM events
WHERE type = 'shipment.created' AND order_id != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS order_line_facts_created_mv TO order_line_facts AS
WITH coalesce(nullIf(JSONExtractString(attrs, 'promisedShipDate'), ''), nullIf(JSONExtractString(attrs, 'requestedShipDate'), '')) AS due_text
SELECT
    order_id,
    JSONExtractString(l, 'lineId') AS line_id,
    JSONExtractFloat(l, 'qty') AS ordered_qty,
    JSONExtractFloat(l, 'unitPrice') AS unit_price,
    coalesce(if(length(due_text) = 10, addMilliseconds(toDateTime64(toDateOrNull(due_text), 3, 'UTC'), 86399999), parseDateTime64BestEffortOrNull(due_text, 3, 'UTC')), ts) AS due_at
FROM events
ARRAY JOIN JSONExtractArrayRaw(attrs, 'lines') AS l
WHERE type = 'order.created';

CREATE MATERIALIZED VIEW IF NOT EXISTS order_line_facts_allocated_mv TO order_line_facts AS
SELECT
    order_id,
    line_id,
    toUInt8(JSONExtractFloat(attrs, 'qtyBackordered') > 0) AS backordered
FROM events
WHERE type = 'inventory.allocated' AND line_id != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS order_line_facts_shipped_mv TO order_line_facts AS
SELECT
    order_id,
    JSONExtractString(l, 'lineId') AS line_id,
    JSONExtractFloat(l, 'qty') AS shipped_qty,
    tuple(ts, shipped_qty) AS first_ship
FROM events
ARRAY JOIN JSONExtractArrayRaw(attrs, 'lines') AS l
WHERE type = 'shipment.created';
