CREATE TABLE IF NOT EXISTS ${database}.rollup_campaign_local_daily
(
    ad_account_id           UInt64,
    timezone                String,
    day                     Date,
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
    reach                   AggregateFunction(uniqHLL12, String),
    ivt_impressions         UInt64,
    ivt_clicks              UInt64,
    version                 UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (ad_account_id, timezone, day, campaign_id)
SETTINGS index_granularity = 64;
