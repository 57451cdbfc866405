import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Businesses, users, ad accounts and per-ad-account roles.
 * Ids are numeric strings as in Pinterest's API: one global bigint sequence gives
 * every object an id that is unique across types.
 */
export class Identity1795392000000 implements MigrationInterface {
  name = 'Identity1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE IF NOT EXISTS loupe_id_seq START WITH 549755813888`);
    await q.query(`
      CREATE TABLE businesses (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
        username text NOT NULL,
        password_hash text NOT NULL,
        business_id bigint NOT NULL REFERENCES businesses(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`
      CREATE TABLE ad_accounts (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        business_id bigint NOT NULL REFERENCES businesses(id),
        owner_user_id bigint NOT NULL REFERENCES users(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        timezone text NOT NULL DEFAULT 'UTC',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ad_accounts_business_id_idx ON ad_accounts (business_id)`);
    await q.query(`
      CREATE TABLE ad_account_members (
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        user_id bigint NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ad_account_id, user_id)
      )`);
    await q.query(`CREATE INDEX ad_account_members_user_id_idx ON ad_account_members (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ad_account_members`);
    await q.query(`DROP TABLE ad_accounts`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE businesses`);
    await q.query(`DROP SEQUENCE loupe_id_seq`);
  }
}
