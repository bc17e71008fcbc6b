-- Governed resolution (DESIGN.md §5): the append-only audit log, approvals, idempotent
-- action outcomes, connector deliveries (dead letters) and action outcomes for learning.

-- Append-only: nothing in the application updates or deletes rows here.
CREATE TABLE IF NOT EXISTS audit_log
(
    id String,
    at DateTime64(3, 'UTC'),
    kind LowCardinality(String),
    actor String,
    exception_id String,
    order_ids Array(String),
    exception_version UInt32,
    action LowCardinality(String),
    approval_id String,
    outcome LowCardinality(String),
    reason String,
    model_version LowCardinality(String),
    confidence Float64,
    data String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS approvals
(
    id String,
    version UInt64,
    exception_id String,
    action LowCardinality(String),
    params String,
    comment String,
    requested_by String,
    requested_at DateTime64(3, 'UTC'),
    required_role LowCardinality(String),
    status LowCardinality(String),
    decided_by String,
    decided_at Nullable(DateTime64(3, 'UTC')),
    reason String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- First outcome of each Idempotency-Key per actor: a retry answers the stored outcome
-- (kept 30 days, far longer than any client retries).
CREATE TABLE IF NOT EXISTS idempotency_keys
(
    scope String,
    key String,
    request_hash String,
    status UInt16,
    body String,
    created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (scope, key)
TTL toDateTime(created_at) + INTERVAL 30 DAY;

CREATE TABLE IF NOT EXISTS connector_deliveries
(
    id String,
    version UInt64,
    connector LowCardinality(String),
    action LowCardinality(String),
    url String,
    exception_id String,
    idempotency_key String,
    body String,
    status LowCardinality(String),
    attempts UInt32,
    last_error String,
    response String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- How each executed action turned out, for ranking recommendations of similar exceptions.
CREATE TABLE IF NOT EXISTS action_outcomes
(
    exception_id String,
    action LowCardinality(String),
    type LowCardinality(String),
    customer_tier LowCardinality(String),
    team LowCardinality(String),
    value_band LowCardinality(String),
    executed_at DateTime64(3, 'UTC'),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    resolution_seconds Nullable(Float64),
    reopened UInt8
)
ENGINE = MergeTree
ORDER BY (type, customer_tier, team, value_band, action, executed_at);
