CREATE TABLE IF NOT EXISTS ${database}.reach_ad_account_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),
    reach                   AggregateFunction(uniqHLL12, String),
    version                 UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour)
SETTINGS index_granularity = 64;
