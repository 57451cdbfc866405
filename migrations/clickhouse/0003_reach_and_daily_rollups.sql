-- Reach sketches per hour, and daily rollups: what the dashboard reads when a
-- question's granularity allows (libs/analytics/src/rollup-sql.ts rollupSql).
--
-- reach_<level>_hourly: one fixed-size uniqHLL12 state of the non-IVT impression
-- users per (level key, UTC hour). 0002's `users` (uniq) states grow with the
-- users they hold, so merging 2,160 of them for 90 days took over a second at
-- 100 million events; a uniqHLL12 state is at most 2.5 KB and merges in a few
-- microseconds (about 1.6% error, exact up to 16 users). Reach is read from these
-- tables and the daily ones only.
--
-- rollup_<level>_daily: the hourly rollups of one UTC day summed (`day` = start of
-- the UTC day), with the day's reach state. A read takes a UTC day from here when
-- the whole day is inside the range and inside one period of the granularity in
-- the account's timezone, and the other hours from the hourly tables.
--
-- Built by the `rollups` job (apps/worker/src/rollups) with the hourly tables:
-- the reach rows from the raw events with the ad level, the parents from the ad
-- level, then every UTC day it touched from the hourly tables FINAL.
-- ReplacingMergeTree(version) as 0002's, with one difference for the daily tables:
-- their version is the SUM of the versions of the hourly rows they were built
-- from (both families), so the build that saw the newest hours wins even when two
-- jobs of different hours of one day finish in either order.
-- READ RULE as 0002's: FINAL, never plain sums.

-- Reach of one ad account and UTC hour.
CREATE TABLE IF NOT EXISTS ${database}.reach_ad_account_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    reach                   AggregateFunction(uniqHLL12, String), -- non-IVT impression users: read uniqHLL12Merge(reach)
    version                 UInt64      -- recompute version, as in 0002
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour);

-- Reach of one campaign and UTC hour.
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
ORDER BY (ad_account_id, hour, campaign_id);

-- Reach of one ad group and UTC hour.
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
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id);

-- Reach of one ad and UTC hour.
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
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id, ad_id);

-- One row per ad account and UTC day: the columns of rollup_ad_account_hourly summed over the day (see 0002 for each).
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
ORDER BY (ad_account_id, day);

-- One row per campaign and UTC day: the columns of rollup_campaign_hourly summed over the day (see 0002 for each).
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
ORDER BY (ad_account_id, day, campaign_id);

-- One row per ad group and UTC day: the columns of rollup_ad_group_hourly summed over the day (see 0002 for each).
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
ORDER BY (ad_account_id, day, campaign_id, ad_group_id);

-- One row per ad and UTC day: the columns of rollup_ad_hourly summed over the day (see 0002 for each).
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
ORDER BY (ad_account_id, day, campaign_id, ad_group_id, ad_id);
