-- Interface health by day, for long windows: a 30-day window read 30 × 24 hour buckets per
-- interface and merged their latency digests (≈ 70 ms of the KPI set at 10M events); whole
-- days now come from one bucket each, and only the hours at the window's two ends from the
-- hour table (server/store/kpi/integrationHealth.ts). Fed from the hour rollup, so a day is
-- exactly the sum of its hour buckets: each hour row is moved to its day and the engine's
-- merges add them up (reads aggregate anyway: sum, quantilesTDigestMerge).
CREATE TABLE IF NOT EXISTS interface_health_day AS interface_health_minute
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, interface);

CREATE MATERIALIZED VIEW IF NOT EXISTS interface_health_day_mv TO interface_health_day AS
SELECT * REPLACE (toStartOfDay(bucket) AS bucket) FROM interface_health_hour;

-- The hours recorded before this migration.
INSERT INTO interface_health_day SELECT * REPLACE (toStartOfDay(bucket) AS bucket) FROM interface_health_hour;
