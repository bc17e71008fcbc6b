-- Error codes per interface and minute (carriers as `carrier:<code>`, as in interface_health),
-- for the "top error codes" of the Integrations view. A rollup rather than a scan of raw
-- events: it keeps 400 days like the health rollups, beyond the raw events' retention.
CREATE TABLE IF NOT EXISTS interface_error_codes_minute
(
    bucket DateTime('UTC'),
    interface LowCardinality(String),
    code String,
    count SimpleAggregateFunction(sum, UInt64),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, interface, code)
TTL bucket + INTERVAL 400 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS interface_error_codes_minute_mv TO interface_error_codes_minute AS
SELECT
    toStartOfMinute(ts) AS bucket,
    if(type = 'carrier.api_call' AND events.interface = '', concat('carrier:', carrier), events.interface) AS interface,
    JSONExtractString(attrs, 'errorCode') AS code,
    count() AS count,
    max(ts) AS last_seen
FROM events
WHERE type IN ('integration.message', 'carrier.api_call') AND JSONExtractString(attrs, 'errorCode') != ''
GROUP BY bucket, interface, code;

-- Events stored before this migration.
INSERT INTO interface_error_codes_minute
SELECT
    toStartOfMinute(ts) AS bucket,
    if(type = 'carrier.api_call' AND events.interface = '', concat('carrier:', carrier), events.interface) AS interface,
    JSONExtractString(attrs, 'errorCode') AS code,
    count() AS count,
    max(ts) AS last_seen
FROM events
WHERE type IN ('integration.message', 'carrier.api_call') AND JSONExtractString(attrs, 'errorCode') != ''
GROUP BY bucket, interface, code;
