-- Raw events of the common event model (DESIGN.md §3). Event time partitions the data;
-- retention (TTL) counts from ingest time so that imported history is never dropped on
-- arrival. The TTL itself is set at start-up from configuration.
CREATE TABLE IF NOT EXISTS events
(
    id String,
    ts DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    type LowCardinality(String),
    order_id String,
    line_id String,
    customer_id String,
    sku String,
    warehouse LowCardinality(String),
    carrier LowCardinality(String),
    shipment_id String,
    interface LowCardinality(String),
    qty Nullable(Float64),
    amount Nullable(Float64),
    currency LowCardinality(String),
    attrs String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (type, ts, id);

-- Ids of stored events, sorted by id so that the dedupe look-up of a batch reads a few
-- granules. Filled by the materialized view in the same INSERT as the events, so an id
-- is recorded exactly when its event is stored.
CREATE TABLE IF NOT EXISTS event_ids
(
    id String,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY id;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT id, ingested_at FROM events;
