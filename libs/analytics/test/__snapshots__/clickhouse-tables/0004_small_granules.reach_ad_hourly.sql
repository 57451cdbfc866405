CREATE TABLE IF NOT EXISTS ${database}.reach_ad_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),
    campaign_id             UInt64,
    ad_group_id             UInt64,
    ad_id                   UInt64,
    reach                   AggregateFunction(uniqHLL12, String),
    version                 UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id, ad_id)
SETTINGS index_granularity = 64;
