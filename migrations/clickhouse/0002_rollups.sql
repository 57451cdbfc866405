-- Hourly rollups the dashboard and reports read, and attributed conversions.
--
-- Built by the `rollups` queue job (apps/worker/src/rollups): it recomputes one
-- (ad account, UTC hour) from the raw `events` (deduplicated with FINAL) and
-- inserts the whole hour again at every level with a higher `version`.
-- ReplacingMergeTree(version) keeps the latest row per key, so a recompute is
-- idempotent and concurrent recomputes of one hour settle on the last writer.
--
-- READ RULE: until a merge, older versions of a row are still stored. Read these
-- tables with FINAL (or argMax(col, version) grouped by the key); never sum them
-- plain. libs/analytics/src/rollup-sql.ts builds reads that follow the rule.
--
-- Metrics exclude invalid traffic except the ivt_* counts. Conversions here use
-- Pinterest's default windows (30-day click, 1-day view) reported at
-- TIME_OF_AD_ACTION; other windows and TIME_OF_CONVERSION are computed at query
-- time from attributed_conversions (libs/analytics/src/attribution-sql.ts).
-- users holds uniq states so reach merges across hours and levels: uniqMerge(users).

-- One row per ad account and UTC hour.
CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_account_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    impressions             UInt64,     -- non-IVT IMPRESSION events (PAID_IMPRESSION)
    clicks                  UInt64,     -- non-IVT CLICK events (pin clicks)
    outbound_clicks         UInt64,     -- non-IVT ENGAGEMENT OUTBOUND_CLICK
    saves                   UInt64,     -- non-IVT ENGAGEMENT SAVE
    closeups                UInt64,     -- non-IVT ENGAGEMENT CLOSEUP
    shares                  UInt64,     -- non-IVT ENGAGEMENT SHARE
    spend_micros            Int64,      -- sum(price_micros) of non-IVT events, account currency
    billed_impressions      UInt64,     -- non-IVT impressions with price_micros > 0
    billed_clicks           UInt64,     -- non-IVT clicks with price_micros > 0
    conversions_checkout    UInt64,     -- attributed conversions (30-day click, 1-day view) by type,
    conversions_add_to_cart UInt64,     --   counted in the hour of the ad action
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,     -- every other conversion_type
    value_checkout_micros    Int64,     -- their value_micros, by the same types
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    users                   AggregateFunction(uniq, String), -- non-IVT impression users: read uniqMerge(users)
    ivt_impressions         UInt64,     -- IMPRESSION events flagged as invalid traffic
    ivt_clicks              UInt64,     -- CLICK events flagged as invalid traffic
    unattributed_conversions UInt64,    -- non-IVT conversions of this hour (conversion time) with no touch in the default windows
    unattributed_value_micros Int64,
    version                 UInt64      -- recompute version (ms since epoch at the start of the job); the highest wins
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour);

-- One row per campaign and UTC hour.
CREATE TABLE IF NOT EXISTS ${database}.rollup_campaign_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    impressions             UInt64,     -- non-IVT IMPRESSION events (PAID_IMPRESSION)
    clicks                  UInt64,     -- non-IVT CLICK events (pin clicks)
    outbound_clicks         UInt64,     -- non-IVT ENGAGEMENT OUTBOUND_CLICK
    saves                   UInt64,     -- non-IVT ENGAGEMENT SAVE
    closeups                UInt64,     -- non-IVT ENGAGEMENT CLOSEUP
    shares                  UInt64,     -- non-IVT ENGAGEMENT SHARE
    spend_micros            Int64,      -- sum(price_micros) of non-IVT events, account currency
    billed_impressions      UInt64,     -- non-IVT impressions with price_micros > 0
    billed_clicks           UInt64,     -- non-IVT clicks with price_micros > 0
    conversions_checkout    UInt64,     -- attributed conversions (30-day click, 1-day view) by type,
    conversions_add_to_cart UInt64,     --   counted in the hour of the ad action
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,     -- every other conversion_type
    value_checkout_micros    Int64,     -- their value_micros, by the same types
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    users                   AggregateFunction(uniq, String), -- non-IVT impression users: read uniqMerge(users)
    ivt_impressions         UInt64,     -- IMPRESSION events flagged as invalid traffic
    ivt_clicks              UInt64,     -- CLICK events flagged as invalid traffic
    version                 UInt64      -- recompute version (ms since epoch at the start of the job); the highest wins
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id);

-- One row per ad group and UTC hour (the spend ledger mirrors its spend).
CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_group_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    ad_group_id             UInt64,
    impressions             UInt64,     -- non-IVT IMPRESSION events (PAID_IMPRESSION)
    clicks                  UInt64,     -- non-IVT CLICK events (pin clicks)
    outbound_clicks         UInt64,     -- non-IVT ENGAGEMENT OUTBOUND_CLICK
    saves                   UInt64,     -- non-IVT ENGAGEMENT SAVE
    closeups                UInt64,     -- non-IVT ENGAGEMENT CLOSEUP
    shares                  UInt64,     -- non-IVT ENGAGEMENT SHARE
    spend_micros            Int64,      -- sum(price_micros) of non-IVT events, account currency
    billed_impressions      UInt64,     -- non-IVT impressions with price_micros > 0
    billed_clicks           UInt64,     -- non-IVT clicks with price_micros > 0
    conversions_checkout    UInt64,     -- attributed conversions (30-day click, 1-day view) by type,
    conversions_add_to_cart UInt64,     --   counted in the hour of the ad action
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,     -- every other conversion_type
    value_checkout_micros    Int64,     -- their value_micros, by the same types
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    users                   AggregateFunction(uniq, String), -- non-IVT impression users: read uniqMerge(users)
    ivt_impressions         UInt64,     -- IMPRESSION events flagged as invalid traffic
    ivt_clicks              UInt64,     -- CLICK events flagged as invalid traffic
    version                 UInt64      -- recompute version (ms since epoch at the start of the job); the highest wins
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id);

-- One row per ad and UTC hour.
CREATE TABLE IF NOT EXISTS ${database}.rollup_ad_hourly
(
    ad_account_id           UInt64,
    hour                    DateTime('UTC'),     -- start of the UTC hour
    campaign_id             UInt64,
    ad_group_id             UInt64,
    ad_id                   UInt64,
    impressions             UInt64,     -- non-IVT IMPRESSION events (PAID_IMPRESSION)
    clicks                  UInt64,     -- non-IVT CLICK events (pin clicks)
    outbound_clicks         UInt64,     -- non-IVT ENGAGEMENT OUTBOUND_CLICK
    saves                   UInt64,     -- non-IVT ENGAGEMENT SAVE
    closeups                UInt64,     -- non-IVT ENGAGEMENT CLOSEUP
    shares                  UInt64,     -- non-IVT ENGAGEMENT SHARE
    spend_micros            Int64,      -- sum(price_micros) of non-IVT events, account currency
    billed_impressions      UInt64,     -- non-IVT impressions with price_micros > 0
    billed_clicks           UInt64,     -- non-IVT clicks with price_micros > 0
    conversions_checkout    UInt64,     -- attributed conversions (30-day click, 1-day view) by type,
    conversions_add_to_cart UInt64,     --   counted in the hour of the ad action
    conversions_lead        UInt64,
    conversions_signup      UInt64,
    conversions_page_visit  UInt64,
    conversions_other       UInt64,     -- every other conversion_type
    value_checkout_micros    Int64,     -- their value_micros, by the same types
    value_add_to_cart_micros Int64,
    value_lead_micros        Int64,
    value_signup_micros      Int64,
    value_page_visit_micros  Int64,
    value_other_micros       Int64,
    users                   AggregateFunction(uniq, String), -- non-IVT impression users: read uniqMerge(users)
    ivt_impressions         UInt64,     -- IMPRESSION events flagged as invalid traffic
    ivt_clicks              UInt64,     -- CLICK events flagged as invalid traffic
    version                 UInt64      -- recompute version (ms since epoch at the start of the job); the highest wins
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (ad_account_id, hour, campaign_id, ad_group_id, ad_id);

-- One row per conversion event with its last touchpoints, so any attribution
-- window pair (0, 1, 7, 14, 30, 60 days) and either report time can be computed at
-- query time: attributed to the click if click_time is within the click window,
-- else to the impression if view_time is within the view window, else unattributed.
-- A touch is the latest non-IVT CLICK (resp. IMPRESSION) of the same ad account at
-- or before the conversion and at most 60 days older, matched by click id
-- (c:<auction>:<slot>, or the bare <auction>:<slot>) or by the hashed user id.
-- has_click / has_view = 0 when there is none (its ids are then 0, its time the
-- conversion time). Rewritten by each recompute of the conversion's hour with a
-- higher version: read with FINAL.
CREATE TABLE IF NOT EXISTS ${database}.attributed_conversions
(
    ad_account_id       UInt64,
    conversion_date     Date,               -- UTC day of conversion_time
    conversion_event_id String,             -- events.event_id of the conversion
    conversion_time     DateTime('UTC'),
    conversion_type     String,             -- lower-case events.conversion_type
    value_micros        Int64,
    currency            String,
    user_id             String,
    click_id            String,
    ivt                 UInt8,              -- the conversion itself was flagged: excluded by default
    has_click           UInt8,
    click_event_id      String,
    click_time          DateTime('UTC'),
    click_match         String,             -- 'click_id' | 'user_id' | ''
    click_campaign_id   UInt64,
    click_ad_group_id   UInt64,
    click_ad_id         UInt64,
    has_view            UInt8,
    view_event_id       String,
    view_time           DateTime('UTC'),
    view_match          String,             -- 'click_id' (same auction and slot) | 'user_id' | ''
    view_campaign_id    UInt64,
    view_ad_group_id    UInt64,
    view_ad_id          UInt64,
    version             UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(conversion_date)
ORDER BY (ad_account_id, conversion_date, conversion_event_id);
