-- Raw ad events: one row per impression, click, engagement or conversion.
--
-- Written in large batches by the worker; rollups and reports read from it.
-- Money is integer micros of the ad account's currency (value_micros: of `currency`).
-- Times are UTC: DateTime('UTC') keeps text in and out UTC whatever the server's
-- timezone; account-timezone days are cut at query time (toDate(event_time, tz)).
--
-- Duplicates: ReplacingMergeTree with event_id last in the sort key, so a re-sent
-- event (same id, hence same account/date/ids) collapses on merge, keeping the row
-- with the latest ingested_at (a later re-flag for invalid traffic wins). Until a
-- merge, exact reads dedupe with FINAL or by event_id.
CREATE TABLE IF NOT EXISTS ${database}.events
(
    event_id        String,                 -- unique per event; the dedup key
    event_type      String,                 -- IMPRESSION | CLICK | ENGAGEMENT | CONVERSION
    engagement_type String,                 -- ENGAGEMENT only: SAVE, CLOSEUP, SHARE, ...
    event_time      DateTime('UTC'),
    event_date      Date DEFAULT toDate(event_time, 'UTC'),
    ad_account_id   UInt64,
    campaign_id     UInt64,                 -- 0 on a conversion not (yet) attributed
    ad_group_id     UInt64,
    ad_id           UInt64,
    pin_id          UInt64,
    auction_id      String,                 -- the auction that served the ad
    slot            UInt8,                  -- slot the ad won in that auction
    placement       String,
    user_id         String,                 -- opaque hashed user key, never raw PII
    click_id        String,                 -- CONVERSION: the click it reports, if known
    price_micros    Int64,                  -- charged for this event; 0 if not billable or IVT
    value_micros    Int64,                  -- CONVERSION: order value
    currency        String,                 -- ISO 4217 code of value_micros, '' otherwise
    conversion_type String,                 -- CONVERSION: checkout, add_to_cart, lead, ...
    ivt             UInt8,                  -- 1 = invalid traffic: kept, never billed, excluded by default
    ivt_reason      String,
    age_bucket      String,
    gender          String,
    location        String,
    device          String,
    locale          String,
    interest        String,                 -- the targeted interest the ad matched
    ingested_at     DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(event_date)
PRIMARY KEY (ad_account_id, event_date, campaign_id, ad_group_id, ad_id)
ORDER BY (ad_account_id, event_date, campaign_id, ad_group_id, ad_id, event_type, event_id);
