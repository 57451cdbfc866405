import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Access tokens (stored only as hashes), pending invitations, and the audit log. */
export class AccessAndAudit1795392100000 implements MigrationInterface {
  name = 'AccessAndAudit1795392100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_tokens (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        user_id bigint NOT NULL REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('SESSION', 'API')),
        name text NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX access_tokens_token_hash_key ON access_tokens (token_hash)`);
    await q.query(`CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id, kind)`);
    await q.query(`
      CREATE TABLE ad_account_invitations (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        email text NOT NULL CHECK (email = lower(email)),
        role text NOT NULL CHECK (role IN ('ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER')),
        invited_by bigint NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX ad_account_invitations_key ON ad_account_invitations (ad_account_id, email)`);
    await q.query(`CREATE INDEX ad_account_invitations_email_idx ON ad_account_invitations (email)`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint REFERENCES ad_accounts(id),
        actor_user_id bigint REFERENCES users(id),
        object_type text NOT NULL,
        object_id text NOT NULL,
        action text NOT NULL,
        old_values jsonb,
        new_values jsonb,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_account_idx ON audit_log (ad_account_id, id DESC)`);
    await q.query(`CREATE INDEX audit_log_object_idx ON audit_log (ad_account_id, object_type, object_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE ad_account_invitations`);
    await q.query(`DROP TABLE access_tokens`);
  }
}
