import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closed finance periods (docs/finance.md). A month is closed per ad account, in its
 * timezone; closing copies the month's figures per ad group into finance_period_lines,
 * and from then on the month is read from there, never from the live ledger.
 *
 * finance_restatements: differences found later between the live figures of a closed
 * month and what was closed (plus earlier restatements of it), booked as dated lines
 * into the first open month after it. Append-only: a correction of a correction is a
 * new row, so every figure ever billed can be traced.
 *
 * Campaign names are copied when figures are fixed so a renamed campaign does not
 * change a closed month's CSV. No foreign keys to campaigns, as for spend_ledger.
 */
export class Finance1795393600000 implements MigrationInterface {
  name = 'Finance1795393600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE finance_periods (
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        period char(7) NOT NULL CHECK (period ~ '^\\d{4}-(0[1-9]|1[0-2])$'),
        -- the account as it was when closed: a closed month's CSV header must not change either
        ad_account_name text NOT NULL,
        timezone text NOT NULL,
        currency char(3) NOT NULL,
        closed_at timestamptz NOT NULL,
        closed_by bigint NOT NULL,
        note text CHECK (length(note) <= 500),
        PRIMARY KEY (ad_account_id, period)
      )`);
    await q.query(`
      CREATE TABLE finance_period_lines (
        ad_account_id bigint NOT NULL,
        period char(7) NOT NULL,
        campaign_id bigint NOT NULL,
        ad_group_id bigint NOT NULL,
        campaign_name text,
        spend_micros bigint NOT NULL,
        billed_impressions bigint NOT NULL,
        billed_clicks bigint NOT NULL,
        conversion_value_micros bigint NOT NULL,
        PRIMARY KEY (ad_account_id, period, ad_group_id),
        FOREIGN KEY (ad_account_id, period) REFERENCES finance_periods(ad_account_id, period) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE finance_restatements (
        id bigserial PRIMARY KEY,
        ad_account_id bigint NOT NULL REFERENCES ad_accounts(id),
        -- the closed month whose figures changed
        restated_period char(7) NOT NULL,
        -- the open month the correction is billed in
        booked_period char(7) NOT NULL CHECK (booked_period > restated_period),
        detected_at timestamptz NOT NULL,
        campaign_id bigint NOT NULL,
        ad_group_id bigint NOT NULL,
        campaign_name text,
        -- signed differences: current truth minus (closed figures + earlier restatements)
        spend_micros bigint NOT NULL,
        billed_impressions bigint NOT NULL,
        billed_clicks bigint NOT NULL,
        conversion_value_micros bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX finance_restatements_booked_idx ON finance_restatements (ad_account_id, booked_period)`);
    await q.query(`CREATE INDEX finance_restatements_restated_idx ON finance_restatements (ad_account_id, restated_period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE finance_restatements`);
    await q.query(`DROP TABLE finance_period_lines`);
    await q.query(`DROP TABLE finance_periods`);
  }
}
