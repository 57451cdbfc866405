import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns and ad groups (Pinterest Ads API v5 vocabulary). Money is bigint micros,
 * times are timestamptz (the API speaks unix seconds), optional Pinterest objects we
 * only store and echo (tracking_urls, targeting_spec, optimization_goal_metadata) are
 * jsonb. The CHECKs repeat the API's enums so a bug elsewhere cannot store a value
 * the serving path does not understand: no DELETED_DRAFT (drafts are archived), no
 * CBO_ADGROUP budgets (no campaign budget optimization), no video billing.
 */
export class CampaignsAndAdGroups1795392300000 implements MigrationInterface {
  name = 'CampaignsAndAdGroups1795392300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
        status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT')),
        objective_type text NOT NULL,
        daily_spend_cap bigint CHECK (daily_spend_cap > 0),
        lifetime_spend_cap bigint CHECK (lifetime_spend_cap > 0),
        start_time timestamptz,
        end_time timestamptz,
        order_line_id text,
        tracking_urls jsonb,
        is_flexible_daily_budgets boolean NOT NULL DEFAULT false,
        default_ad_group_budget_in_micro_currency bigint,
        is_automated_campaign boolean NOT NULL DEFAULT false,
        is_campaign_budget_optimization boolean NOT NULL DEFAULT false,
        is_performance_plus boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_time IS NULL OR start_time IS NULL OR end_time > start_time)
      )`);
    await q.query(`CREATE INDEX campaigns_account_idx ON campaigns (ad_account_id, id)`);

    await q.query(`
      CREATE TABLE ad_groups (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        campaign_id bigint NOT NULL REFERENCES campaigns(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
        status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT')),
        budget_in_micro_currency bigint CHECK (budget_in_micro_currency > 0),
        bid_in_micro_currency bigint CHECK (bid_in_micro_currency > 0),
        budget_type text NOT NULL CHECK (budget_type IN ('DAILY', 'LIFETIME')),
        start_time timestamptz,
        end_time timestamptz,
        targeting_spec jsonb NOT NULL DEFAULT '{}'::jsonb,
        lifetime_frequency_cap integer CHECK (lifetime_frequency_cap > 0),
        daily_frequency_cap integer CHECK (daily_frequency_cap > 0),
        tracking_urls jsonb,
        auto_targeting_enabled boolean NOT NULL DEFAULT false,
        placement_group text NOT NULL CHECK (placement_group IN ('ALL', 'SEARCH', 'BROWSE', 'OTHER')),
        pacing_delivery_type text NOT NULL CHECK (pacing_delivery_type IN ('STANDARD', 'ACCELERATED')),
        billable_event text NOT NULL CHECK (billable_event IN ('CLICKTHROUGH', 'IMPRESSION')),
        bid_strategy_type text CHECK (bid_strategy_type IN ('AUTOMATIC_BID', 'MAX_BID', 'TARGET_AVG')),
        optimization_goal_metadata jsonb,
        is_creative_optimization boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_time IS NULL OR start_time IS NULL OR end_time > start_time),
        CHECK (budget_type <> 'LIFETIME' OR end_time IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX ad_groups_account_idx ON ad_groups (ad_account_id, id)`);
    await q.query(`CREATE INDEX ad_groups_campaign_idx ON ad_groups (campaign_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ad_groups`);
    await q.query(`DROP TABLE campaigns`);
  }
}
