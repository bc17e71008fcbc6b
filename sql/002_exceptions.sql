-- Exception log: append-only, one row per state change (DESIGN.md §8). History stays in
-- exception_log; exceptions_current keeps the highest version of each (read with FINAL).
CREATE TABLE IF NOT EXISTS exception_log
(
    exception_id String,
    version UInt32,
    updated_at DateTime64(3, 'UTC'),
    type LowCardinality(String),
    status LowCardinality(String),
    severity LowCardinality(String),
    priority UInt8,
    team LowCardinality(String),
    correlation_key String,
    title String,
    detected_at DateTime64(3, 'UTC'),
    acknowledged_at Nullable(DateTime64(3, 'UTC')),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    order_ids Array(String),
    customer_id String,
    customer_tier LowCardinality(String),
    sku String,
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    interface LowCardinality(String),
    revenue_at_risk Float64,
    currency LowCardinality(String),
    sla_due_at Nullable(DateTime64(3, 'UTC')),
    evidence Array(String),
    detector LowCardinality(String),
    detector_version LowCardinality(String),
    thresholds String,
    confidence Float64,
    resolution_reason LowCardinality(String),
    actor String,
    change LowCardinality(String),
    details String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(detected_at)
ORDER BY (exception_id, version);

CREATE TABLE IF NOT EXISTS exceptions_current AS exception_log
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(detected_at)
ORDER BY exception_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS exceptions_current_mv TO exceptions_current AS
SELECT * FROM exception_log;
