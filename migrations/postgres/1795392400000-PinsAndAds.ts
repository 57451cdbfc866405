import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Boards and pins (owned by a business, as the creative library every ad account of
 * that business draws on) and ads: promoted pins inside ad groups, with their review
 * status.
 */
export class PinsAndAds1795392400000 implements MigrationInterface {
  name = 'PinsAndAds1795392400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE boards (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        business_id bigint NOT NULL REFERENCES businesses(id),
        owner_user_id bigint NOT NULL REFERENCES users(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 180),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, business_id)
      )`);
    // One board of a name per business: "created on first use" stays one board under concurrency.
    await q.query(`CREATE UNIQUE INDEX boards_business_name_key ON boards (business_id, lower(name))`);
    await q.query(`
      CREATE TABLE pins (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        business_id bigint NOT NULL REFERENCES businesses(id),
        board_id bigint NOT NULL,
        created_by bigint NOT NULL REFERENCES users(id),
        title text CHECK (length(title) BETWEEN 1 AND 100),
        description text CHECK (length(description) BETWEEN 1 AND 800),
        link text CHECK (length(link) <= 2048),
        alt_text text CHECK (length(alt_text) BETWEEN 1 AND 500),
        dominant_color text CHECK (dominant_color ~ '^#[0-9A-Fa-f]{6}$'),
        image_url text NOT NULL CHECK (length(image_url) <= 2048),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- A pin's board belongs to the pin's business.
        FOREIGN KEY (board_id, business_id) REFERENCES boards (id, business_id)
      )`);
    await q.query(`CREATE INDEX pins_business_id_idx ON pins (business_id, id)`);

    // campaign_id repeats the ad group's (ad groups never change campaign) so lists filter
    // by campaign without a join; the service sets both from the same ad group row.
    await q.query(`
      CREATE TABLE ads (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        campaign_id bigint NOT NULL REFERENCES campaigns(id),
        ad_group_id bigint NOT NULL REFERENCES ad_groups(id),
        pin_id bigint NOT NULL REFERENCES pins(id),
        name text CHECK (length(name) <= 255),
        creative_type text NOT NULL CHECK (creative_type IN ('REGULAR')),
        status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT')),
        destination_url text CHECK (length(destination_url) <= 2048),
        click_tracking_url text CHECK (length(click_tracking_url) <= 2048),
        view_tracking_url text CHECK (length(view_tracking_url) <= 2048),
        tracking_urls jsonb,
        android_deep_link text CHECK (length(android_deep_link) <= 2048),
        ios_deep_link text CHECK (length(ios_deep_link) <= 2048),
        customizable_cta_type text,
        review_status text NOT NULL DEFAULT 'PENDING' CHECK (review_status IN ('PENDING', 'APPROVED', 'REJECTED')),
        rejected_reasons text[] NOT NULL DEFAULT '{}',
        rejection_labels text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((review_status = 'REJECTED') = (cardinality(rejected_reasons) > 0))
      )`);
    await q.query(`CREATE INDEX ads_account_idx ON ads (ad_account_id, id)`);
    await q.query(`CREATE INDEX ads_ad_group_idx ON ads (ad_group_id, id)`);
    await q.query(`CREATE INDEX ads_pin_idx ON ads (pin_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ads`);
    await q.query(`DROP TABLE pins`);
    await q.query(`DROP TABLE boards`);
  }
}
