import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved report builder questions (docs/reports.md). A saved report belongs to one ad
 * account (its home: listed, shared and managed there) and its definition may name
 * other accounts its owner manages; whoever runs it needs analytics access to every
 * account it names, checked at run time. `saved_report_shares` lists the members of
 * the home account it is shared with (read and run; only the owner changes it).
 */
export class SavedReports1795393800000 implements MigrationInterface {
  name = 'SavedReports1795393800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saved_reports (
        id bigint PRIMARY KEY DEFAULT nextval('loupe_id_seq'),
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id) ON DELETE CASCADE,
        owner_user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        -- the report builder question (reportDefinitionSchema), validated by the API
        definition jsonb NOT NULL,
        -- shared with every member of the home account who may read analytics
        shared_with_account boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX saved_reports_account_idx ON saved_reports (ad_account_id, id)`);
    await q.query(`
      CREATE TABLE saved_report_shares (
        saved_report_id bigint NOT NULL REFERENCES saved_reports(id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (saved_report_id, user_id)
      )`);
    await q.query(`CREATE INDEX saved_report_shares_user_idx ON saved_report_shares (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saved_report_shares`);
    await q.query(`DROP TABLE saved_reports`);
  }
}
