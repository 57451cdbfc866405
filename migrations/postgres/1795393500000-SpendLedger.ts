import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The spend ledger: billed spend per ad group per UTC hour, finance's system of
 * record. The rollup job writes each row from the same recomputed figures as the
 * ClickHouse rollup (absolute values, upserted), so ledger = rollup to the micro.
 * `version` is the rollup version the figures come from: an upsert never replaces
 * a row with figures from an older recompute.
 *
 * No foreign keys to campaigns/ad groups on purpose: the ledger records what was
 * billed, as the events say, and must accept it even if a row it names is
 * missing here (the rollup job would otherwise retry forever and block billing).
 *
 * reconciliation_runs / reconciliation_differences: what the reconciliation job
 * compared (ledger vs ClickHouse rollups, per ad account and UTC day) and every
 * difference it found.
 */
export class SpendLedger1795393500000 implements MigrationInterface {
  name = 'SpendLedger1795393500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE spend_ledger (
        ad_account_id bigint NOT NULL,
        campaign_id bigint NOT NULL,
        ad_group_id bigint NOT NULL,
        hour timestamptz NOT NULL CHECK (extract(epoch FROM hour)::bigint % 3600 = 0),
        spend_micros bigint NOT NULL CHECK (spend_micros >= 0),
        billed_impressions bigint NOT NULL CHECK (billed_impressions >= 0),
        billed_clicks bigint NOT NULL CHECK (billed_clicks >= 0),
        currency text NOT NULL CHECK (currency ~ '^([A-Z]{3})?$'),
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ad_account_id, ad_group_id, hour)
      )`);
    await q.query(`CREATE INDEX spend_ledger_account_hour_idx ON spend_ledger (ad_account_id, hour)`);
    await q.query(`CREATE INDEX spend_ledger_hour_idx ON spend_ledger (hour)`);

    await q.query(`
      CREATE TABLE reconciliation_runs (
        id bigserial PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        -- UTC hours compared: [from_hour, to_hour)
        from_hour timestamptz NOT NULL,
        to_hour timestamptz NOT NULL,
        -- null: every ad account
        ad_account_id bigint,
        account_days_checked integer NOT NULL,
        differences integer NOT NULL
      )`);
    await q.query(`CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at DESC)`);
    await q.query(`
      CREATE TABLE reconciliation_differences (
        run_id bigint NOT NULL REFERENCES reconciliation_runs(id) ON DELETE CASCADE,
        ad_account_id bigint NOT NULL,
        day date NOT NULL,
        ledger_spend_micros bigint NOT NULL,
        rollup_spend_micros bigint NOT NULL,
        ledger_billed_impressions bigint NOT NULL,
        rollup_billed_impressions bigint NOT NULL,
        ledger_billed_clicks bigint NOT NULL,
        rollup_billed_clicks bigint NOT NULL,
        PRIMARY KEY (run_id, ad_account_id, day)
      )`);
    await q.query(`CREATE INDEX reconciliation_differences_account_idx ON reconciliation_differences (ad_account_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reconciliation_differences`);
    await q.query(`DROP TABLE reconciliation_runs`);
    await q.query(`DROP TABLE spend_ledger`);
  }
}
