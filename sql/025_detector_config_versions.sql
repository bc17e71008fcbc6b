-- Detector configuration changed by admins at run time (Settings view, PUT
-- /api/v1/detectors/config): one row per saved revision, with the whole validated
-- configuration, what changed, who and when. The highest revision is the effective
-- configuration after a restart; nothing updates or deletes rows here.
CREATE TABLE IF NOT EXISTS detector_config_versions
(
    revision UInt32,
    version String,
    config String,
    changes String,
    changed_by String,
    changed_by_name String,
    changed_at DateTime64(3, 'UTC'),
    comment String
)
ENGINE = MergeTree
ORDER BY revision;
