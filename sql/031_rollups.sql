-- Rollups for dashboards (DESIGN.md §8): materialized views into AggregatingMergeTree at
-- minute grain, cascaded into hour grain (the hour views read the minute rows, not the
-- events again). Raw events keep their configured TTL; minute rollups keep 400 days and
-- hour rollups keep everything, so trends outlive the raw data.

-- Event volume by type, source and the main dimensions.
CREATE TABLE IF NOT EXISTS event_volume_minute
(
    bucket DateTime('UTC'),
    type LowCardinality(String),
    source LowCardinality(String),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    interface LowCardinality(String),
    events SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, type, source, warehouse, carrier, interface)
TTL bucket + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS event_volume_hour AS event_volume_minute
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, type, source, warehouse, carrier, interface);

CREATE MATERIALIZED VIEW IF NOT EXISTS event_volume_minute_mv TO event_volume_minute AS
SELECT toStartOfMinute(ts) AS bucket, type, source, warehouse, carrier, interface, count() AS events
FROM events
GROUP BY bucket, type, source, warehouse, carrier, interface;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_volume_hour_mv TO event_volume_hour AS
SELECT toStartOfHour(bucket) AS bucket, type, source, warehouse, carrier, interface, sum(events) AS events
FROM event_volume_minute
GROUP BY bucket, type, source, warehouse, carrier, interface;

-- Interface health: integration.message per interface, carrier.api_call as `carrier:<name>`.
-- A duplicate suppressed is a message answered with errorCode `duplicate`; a dead letter is
-- errorCode `dead_letter`; a retry is a message with retry > 0.
CREATE TABLE IF NOT EXISTS interface_health_minute
(
    bucket DateTime('UTC'),
    interface LowCardinality(String),
    messages SimpleAggregateFunction(sum, UInt64),
    failures SimpleAggregateFunction(sum, UInt64),
    retries SimpleAggregateFunction(sum, UInt64),
    duplicates SimpleAggregateFunction(sum, UInt64),
    dead_letters SimpleAggregateFunction(sum, UInt64),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Nullable(Float64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, interface)
TTL bucket + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS interface_health_hour AS interface_health_minute
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, interface);

CREATE MATERIALIZED VIEW IF NOT EXISTS interface_health_minute_mv TO interface_health_minute AS
WITH JSONExtractString(attrs, 'errorCode') AS error_code
SELECT
    toStartOfMinute(ts) AS bucket,
    if(type = 'carrier.api_call' AND events.interface = '', concat('carrier:', carrier), events.interface) AS interface,
    count() AS messages,
    countIf(NOT JSONExtractBool(attrs, 'ok')) AS failures,
    countIf(JSONExtractInt(attrs, 'retry') > 0) AS retries,
    countIf(error_code = 'duplicate') AS duplicates,
    countIf(error_code = 'dead_letter') AS dead_letters,
    quantilesTDigestState(0.5, 0.95, 0.99)(if(JSONHas(attrs, 'latencyMs'), JSONExtractFloat(attrs, 'latencyMs'), NULL)) AS latency
FROM events
WHERE type IN ('integration.message', 'carrier.api_call')
GROUP BY bucket, interface;

CREATE MATERIALIZED VIEW IF NOT EXISTS interface_health_hour_mv TO interface_health_hour AS
SELECT
    toStartOfHour(bucket) AS bucket, interface,
    sum(messages) AS messages, sum(failures) AS failures, sum(retries) AS retries,
    sum(duplicates) AS duplicates, sum(dead_letters) AS dead_letters,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency
FROM interface_health_minute
GROUP BY bucket, interface;

-- Fulfilment flow: orders, lines and units ordered; shipments, units shipped; deliveries;
-- invoices; backordered lines — by warehouse and carrier.
CREATE TABLE IF NOT EXISTS fulfilment_minute
(
    bucket DateTime('UTC'),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    orders_created SimpleAggregateFunction(sum, UInt64),
    lines_ordered SimpleAggregateFunction(sum, UInt64),
    units_ordered SimpleAggregateFunction(sum, Float64),
    value_ordered SimpleAggregateFunction(sum, Float64),
    shipments SimpleAggregateFunction(sum, UInt64),
    units_shipped SimpleAggregateFunction(sum, Float64),
    deliveries SimpleAggregateFunction(sum, UInt64),
    invoices SimpleAggregateFunction(sum, UInt64),
    lines_backordered SimpleAggregateFunction(sum, UInt64),
    cancellations SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, warehouse, carrier)
TTL bucket + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS fulfilment_hour AS fulfilment_minute
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, warehouse, carrier);

CREATE MATERIALIZED VIEW IF NOT EXISTS fulfilment_minute_mv TO fulfilment_minute AS
WITH JSONExtractArrayRaw(attrs, 'lines') AS lines
SELECT
    toStartOfMinute(ts) AS bucket, warehouse, carrier,
    countIf(type = 'order.created') AS orders_created,
    sumIf(length(lines), type = 'order.created') AS lines_ordered,
    sumIf(arraySum(l -> JSONExtractFloat(l, 'qty'), lines), type = 'order.created') AS units_ordered,
    sumIf(arraySum(l -> JSONExtractFloat(l, 'qty') * JSONExtractFloat(l, 'unitPrice'), lines), type = 'order.created') AS value_ordered,
    countIf(type = 'shipment.created') AS shipments,
    sumIf(arraySum(l -> JSONExtractFloat(l, 'qty'), lines), type = 'shipment.created') AS units_shipped,
    countIf(type = 'shipment.status' AND JSONExtractString(attrs, 'status') = 'delivered') AS deliveries,
    countIf(type = 'order.invoiced') AS invoices,
    countIf(type = 'inventory.allocated' AND JSONExtractFloat(attrs, 'qtyBackordered') > 0) AS lines_backordered,
    countIf(type = 'order.cancelled') AS cancellations
FROM events
WHERE type IN ('order.created', 'shipment.created', 'shipment.status', 'order.invoiced', 'inventory.allocated', 'order.cancelled')
GROUP BY bucket, warehouse, carrier;

CREATE MATERIALIZED VIEW IF NOT EXISTS fulfilment_hour_mv TO fulfilment_hour AS
SELECT
    toStartOfHour(bucket) AS bucket, warehouse, carrier,
    sum(orders_created) AS orders_created, sum(lines_ordered) AS lines_ordered,
    sum(units_ordered) AS units_ordered, sum(value_ordered) AS value_ordered,
    sum(shipments) AS shipments, sum(units_shipped) AS units_shipped, sum(deliveries) AS deliveries,
    sum(invoices) AS invoices, sum(lines_backordered) AS lines_backordered, sum(cancellations) AS cancellations
FROM fulfilment_minute
GROUP BY bucket, warehouse, carrier;

-- Exception flow from the exception log: detections, closings, manual actions and the
-- resolution time of each closing, by the dimensions the KPIs group on. A manual action is
-- a version whose actor is a person: not 'system', not empty, not the detector itself.
CREATE TABLE IF NOT EXISTS exception_flow_minute
(
    bucket DateTime('UTC'),
    type LowCardinality(String),
    severity LowCardinality(String),
    team LowCardinality(String),
    customer_tier LowCardinality(String),
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    interface LowCardinality(String),
    detected SimpleAggregateFunction(sum, UInt64),
    resolved SimpleAggregateFunction(sum, UInt64),
    dismissed SimpleAggregateFunction(sum, UInt64),
    false_positives SimpleAggregateFunction(sum, UInt64),
    manual_actions SimpleAggregateFunction(sum, UInt64),
    resolution_seconds AggregateFunction(quantilesTDigest(0.5, 0.9), Nullable(Float64)),
    resolution_seconds_sum SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, type, severity, team, customer_tier, warehouse, carrier, interface)
TTL bucket + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS exception_flow_hour AS exception_flow_minute
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, type, severity, team, customer_tier, warehouse, carrier, interface);

CREATE MATERIALIZED VIEW IF NOT EXISTS exception_flow_minute_mv TO exception_flow_minute AS
WITH
    status = 'resolved' AND resolved_at IS NOT NULL AS is_resolution,
    dateDiff('millisecond', detected_at, resolved_at) / 1000 AS seconds
SELECT
    toStartOfMinute(updated_at) AS bucket, type, severity, team, customer_tier, warehouse, carrier, interface,
    countIf(version = 1) AS detected,
    countIf(is_resolution AND resolved_at = updated_at) AS resolved,
    countIf(status = 'dismissed' AND change != 'updated') AS dismissed,
    countIf(status = 'dismissed' AND resolution_reason = 'false_positive' AND change != 'updated') AS false_positives,
    countIf(actor NOT IN ('', 'system') AND actor != detector) AS manual_actions,
    quantilesTDigestState(0.5, 0.9)(if(is_resolution AND resolved_at = updated_at, seconds, NULL)) AS resolution_seconds,
    sumIf(ifNull(seconds, 0), is_resolution AND resolved_at = updated_at) AS resolution_seconds_sum
FROM exception_log
GROUP BY bucket, type, severity, team, customer_tier, warehouse, carrier, interface;

CREATE MATERIALIZED VIEW IF NOT EXISTS exception_flow_hour_mv TO exception_flow_hour AS
SELECT
    toStartOfHour(bucket) AS bucket, type, severity, team, customer_tier, warehouse, carrier, interface,
    sum(detected) AS detected, sum(resolved) AS resolved, sum(dismissed) AS dismissed,
    sum(false_positives) AS false_positives, sum(manual_actions) AS manual_actions,
    quantilesTDigestMergeState(0.5, 0.9)(resolution_seconds) AS resolution_seconds,
    sum(resolution_seconds_sum) AS resolution_seconds_sum
FROM exception_flow_minute
GROUP BY bucket, type, severity, team, customer_tier, warehouse, carrier, interface;

-- Ground-truth labels the simulator puts on events with an injected fault (attrs.injected),
-- so detection precision and recall never scan raw events.
CREATE TABLE IF NOT EXISTS injected_labels
(
    event_id String,
    ts DateTime64(3, 'UTC'),
    label_type LowCardinality(String),
    fault_id String
)
ENGINE = MergeTree
ORDER BY (label_type, ts, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS injected_labels_mv TO injected_labels AS
SELECT id AS event_id, ts, JSONExtractString(attrs, 'injected', 'type') AS label_type, JSONExtractString(attrs, 'injected', 'faultId') AS fault_id
FROM events
WHERE position(attrs, '"injected"') > 0 AND JSONHas(attrs, 'injected', 'type');
