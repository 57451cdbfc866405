CREATE TABLE IF NOT EXISTS ${database}.attributed_conversions
(
    ad_account_id       UInt64,
    conversion_date     Date,
    conversion_event_id String,
    conversion_time     DateTime('UTC'),
    conversion_type     String,
    value_micros        Int64,
    currency            String,
    user_id             String,
    click_id            String,
    ivt                 UInt8,
    has_click           UInt8,
    click_event_id      String,
    click_time          DateTime('UTC'),
    click_match         String,
    click_campaign_id   UInt64,
    click_ad_group_id   UInt64,
    click_ad_id         UInt64,
    has_view            UInt8,
    view_event_id       String,
    view_time           DateTime('UTC'),
    view_match          String,
    view_campaign_id    UInt64,
    view_ad_group_id    UInt64,
    view_ad_id          UInt64,
    version             UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(conversion_date)
ORDER BY (ad_account_id, conversion_date, conversion_event_id);
