-- Daily rollups cut at each ad account's local midnight (docs/reports.md, "Local days").
--
-- The daily tables of 0003/0004 hold UTC days, so a report of an account in New York
-- read its days from them plus the 20-odd edge hours at each end of every local day
-- from the hourly tables; on 18.16 those extra branches cost as much as the days saved.
-- These tables hold the days as the account sees them: `day` is the local calendar
-- date in `timezone`, built from the hourly rollups of [local midnight, next local
-- midnight) — only for timezones whose offset is a whole number of hours
-- (hasLocalDayRollups), so every local day is whole UTC hours. A read whose range is
-- whole local days is then one branch over one row per day.
--
-- `timezone` is in the key: when an account's timezone changes, the worker rebuilds its
-- history in the new zone (the `local-days` job) before readers use it; the old zone's
-- rows are left and never read (MeasureStore asks Postgres which zone is complete,
-- ad_accounts.local_rollups_timezone). Columns, engine and READ RULE (FINAL, or
-- argMax by version per full key) are those of the UTC daily tables; version = the sum
-- of the versions of the hourly rows the day was built from.

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_account_local_daily
(
    ad_account_id           UInt64,
    timezone                String,     -- IANA zone the day is cut in
    day                     Date,       -- the local calendar date in `timezone`
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
ORDER BY (ad_account_id, timezone, day)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_campaign_local_daily
(
    ad_account_id           UInt64,
    timezone                String,     -- IANA zone the day is cut in
    day                     Date,       -- the local calendar date in `timezone`
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
ORDER BY (ad_account_id, timezone, day, campaign_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_group_local_daily
(
    ad_account_id           UInt64,
    timezone                String,     -- IANA zone the day is cut in
    day                     Date,       -- the local calendar date in `timezone`
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
ORDER BY (ad_account_id, timezone, day, campaign_id, ad_group_id)
SETTINGS index_granularity = 64;

CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_local_daily
(
    ad_account_id           UInt64,
    timezone                String,     -- IANA zone the day is cut in
    day                     Date,       -- the local calendar date in `timezone`
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
ORDER BY (ad_account_id, timezone, day, campaign_id, ad_group_id, ad_id)
SETTINGS index_granularity = 64;
