-- The reach and daily tables of 0003 again, with an index granularity of 64 rows
-- instead of 8,192. A granule of aggregate states is read whole: at 8,192 rows one
-- granule of reach_ad_account_hourly held months of every account's states, so a
-- 90-day reach read merged all of them (137 ms p95 at 100 million events; 21 ms at
-- 64 rows), and every daily read opened a month of every account to find its days
-- (docs/reports.md, "Benchmark").
--
-- ClickHouse 18.16 cannot change index_granularity in place, so the tables are
-- dropped and created again. They hold only derived rows, rebuilt from the raw
-- events by the rollup jobs (`recomputeRollupRange`): after this migration the
-- worker finds every UTC day that has hourly rollups but no daily row and queues a
-- range recompute for it (apps/worker/src/rollups/daily-backfill.service.ts,
-- docs/operations.md "Upgrading"). Columns, keys, engines and the READ RULE (FINAL)
-- are exactly 0003's.

DROP TABLE IF EXISTS ${database}.reach_ad_account_hourly;
DROP TABLE IF EXISTS ${database}.reach_campaign_hourly;
DROP TABLE IF EXISTS ${database}.reach_ad_group_hourly;
DROP TABLE IF EXISTS ${database}.reach_ad_hourly;
DROP TABLE IF EXISTS ${database}.rollup_ad_account_daily;
DROP TABLE IF EXISTS ${database}.rollup_campaign_daily;
DROP TABLE IF EXISTS ${database}.rollup_ad_group_daily;
DROP TABLE IF EXISTS ${database}.rollup_ad_daily;

CREATE TABLE IF NOT EXISTS ${database}.reach_ad_account_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    version                 UInt64      -- recompute version, as in 0002
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.reach_campaign_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    version                 UInt64      -- recompute version, as in 0002
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.reach_ad_group_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    ad_group_id             UInt64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    version                 UInt64      -- recompute version, as in 0002
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.reach_ad_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    ad_group_id             UInt64,
    ad_id                   UInt64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    version                 UInt64      -- recompute version, as in 0002
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id, ad_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_account_daily
(
    ad_account_id           UInt64,
    day                     DateTime('UTC'),     -- start of the UTC day
    impressions             UInt64,
    clicks                  UInt64,
    outbound_clicks         UInt64,
    saves                   UInt64,
    closeups                UInt64,
    shares                  UInt64,
    spend_micros            Int64,
    billed_impressions      UInt64,
    billed_clicks           UInt64,
    conversions_checkout    UInt64,
    conversions_add_to_cart UInt64,
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,
    value_checkout_micros    Int64,
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    ivt_impressions         UInt64,
    ivt_clicks              UInt64,
    unattributed_conversions UInt64,
    unattributed_value_micros Int64,
    version                 UInt64      -- sum of the versions of the hourly rows (both families) it was built from
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (ad_account_id, day)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_campaign_daily
(
    ad_account_id           UInt64,
    day                     DateTime('UTC'),     -- start of the UTC day
    campaign_id             UInt64,
    impressions             UInt64,
    clicks                  UInt64,
    outbound_clicks         UInt64,
    saves                   UInt64,
    closeups                UInt64,
    shares                  UInt64,
    spend_micros            Int64,
    billed_impressions      UInt64,
    billed_clicks           UInt64,
    conversions_checkout    UInt64,
    conversions_add_to_cart UInt64,
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,
    value_checkout_micros    Int64,
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    ivt_impressions         UInt64,
    ivt_clicks              UInt64,
    version                 UInt64      -- sum of the versions of the hourly rows (both families) it was built from
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (ad_account_id, day, campaign_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_group_daily
(
    ad_account_id           UInt64,
    day                     DateTime('UTC'),     -- start of the UTC day
    campaign_id             UInt64,
    ad_group_id             UInt64,
    impressions             UInt64,
    clicks                  UInt64,
    outbound_clicks         UInt64,
    saves                   UInt64,
    closeups                UInt64,
    shares                  UInt64,
    spend_micros            Int64,
    billed_impressions      UInt64,
    billed_clicks           UInt64,
    conversions_checkout    UInt64,
    conversions_add_to_cart UInt64,
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,
    value_checkout_micros    Int64,
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    ivt_impressions         UInt64,
    ivt_clicks              UInt64,
    version                 UInt64      -- sum of the versions of the hourly rows (both families) it was built from
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (ad_account_id, day, campaign_id, ad_group_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_daily
(
    ad_account_id           UInt64,
    day                     DateTime('UTC'),     -- start of the UTC day
    campaign_id             UInt64,
    ad_group_id             UInt64,
    ad_id                   UInt64,
    impressions             UInt64,
    clicks                  UInt64,
    outbound_clicks         UInt64,
    saves                   UInt64,
    closeups                UInt64,
    shares                  UInt64,
    spend_micros            Int64,
    billed_impressions      UInt64,
    billed_clicks           UInt64,
    conversions_checkout    UInt64,
    conversions_add_to_cart UInt64,
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,
    value_checkout_micros    Int64,
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    ivt_impressions         UInt64,
    ivt_clicks              UInt64,
    version                 UInt64      -- sum of the versions of the hourly rows (both families) it was built from
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (ad_account_id, day, campaign_id, ad_group_id, ad_id)
SETTINGS index_granularity = 64;
