CREATE TABLE IF NOT EXISTS ${database}.events
(
    event_id        String,
    event_type      String,
    engagement_type String,
    event_time      DateTime('UTC'),
    event_date      Date DEFAULT toDate(event_time, 'UTC'),
    ad_account_id   UInt64,
    campaign_id     UInt64,
    ad_group_id     UInt64,
    ad_id           UInt64,
    pin_id          UInt64,
    auction_id      String,
    slot            UInt8,
    placement       String,
    user_id         String,
    click_id        String,
    price_micros    Int64,
    value_micros    Int64,
    currency        String,
    conversion_type String,
    ivt             UInt8,
    ivt_reason      String,
    age_bucket      String,
    gender          String,
    location        String,
    device          String,
    locale          String,
    interest        String,
    ingested_at     DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(event_date)
PRIMARY KEY (ad_account_id, event_date, campaign_id, ad_group_id, ad_id)
ORDER BY (ad_account_id, event_date, campaign_id, ad_group_id, ad_id, event_type, event_id);
