-- Users, API keys and sessions (DESIGN.md §5 roles). Small tables, one row per change:
-- the highest version of each id is its current state (read with FINAL). Secrets are never
-- stored: passwords as argon2id hashes, API keys and session tokens as SHA-256 digests.
CREATE TABLE IF NOT EXISTS users
(
    id String,
    version UInt64,
    username String,
    password_hash String,
    roles Array(LowCardinality(String)),
    disabled UInt8,
    updated_at DateTime64(3, 'UTC'),
    updated_by String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS api_keys
(
    id String,
    version UInt64,
    name String,
    key_hash String,
    roles Array(LowCardinality(String)),
    revoked UInt8,
    created_at DateTime64(3, 'UTC'),
    created_by String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS sessions
(
    token_hash String,
    version UInt64,
    user_id String,
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    revoked UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash
TTL toDateTime(expires_at) + INTERVAL 1 DAY;
