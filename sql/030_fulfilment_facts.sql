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
    first_ship_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_carrier AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
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
    first_ship_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_ship_qty AggregateFunction(argMin, Float64, DateTime64(3, 'UTC')),
    shipments AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (order_id, line_id);

-- Orders by due time and by creation time, so a window finds its orders without reading
-- every fact (order.created is one event per order, so these rows never change).
CREATE TABLE IF NOT EXISTS order_calendar
(
    order_id String,
    created_at DateTime64(3, 'UTC'),
    due_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (due_at, order_id);

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

CREATE MATERIALIZED VIEW IF NOT EXISTS order_calendar_mv TO order_calendar AS
WITH coalesce(nullIf(JSONExtractString(attrs, 'promisedShipDate'), ''), nullIf(JSONExtractString(attrs, 'requestedShipDate'), '')) AS due_text
SELECT
    order_id,
    ts AS created_at,
    coalesce(if(length(due_text) = 10, addMilliseconds(toDateTime64(toDateOrNull(due_text), 3, 'UTC'), 86399999), parseDateTime64BestEffortOrNull(due_text, 3, 'UTC')), ts) AS due_at
FROM events
WHERE type = 'order.created';

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
SELECT
    order_id,
    min(ts) AS first_ship_at,
    argMinState(carrier, ts) AS first_carrier,
    max(warehouse) AS warehouse
FROM events
WHERE type = 'shipment.created' AND order_id != ''
GROUP BY order_id;

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
    sum(JSONExtractFloat(l, 'qty')) AS shipped_qty,
    min(ts) AS first_ship_at,
    argMinState(JSONExtractFloat(l, 'qty'), ts) AS first_ship_qty,
    uniqExactState(shipment_id) AS shipments
FROM events
ARRAY JOIN JSONExtractArrayRaw(attrs, 'lines') AS l
WHERE type = 'shipment.created'
GROUP BY order_id, line_id;
