import { type ClickHouseExecutor } from './clickhouse.executor';
import { tableRef } from './schema';
import { lit, sql } from './sql-literal';

/** A raw `events` row (tests, fixtures); unset fields take the column defaults of a valid event. */
export interface RawEvent {
  event_id: string;
  event_type: 'IMPRESSION' | 'CLICK' | 'ENGAGEMENT' | 'CONVERSION';
  /** ISO instant, UTC. */
  at: string;
  ad_account_id: string;
  campaign_id?: string;
  ad_group_id?: string;
  ad_id?: string;
  engagement_type?: string;
  user_id?: string;
  click_id?: string;
  price_micros?: number;
  value_micros?: number;
  currency?: string;
  conversion_type?: string;
  ivt?: 0 | 1;
  /** Where the ad was shown and who saw it (the report builder's segment dimensions); '' when unset. */
  placement?: string;
  age_bucket?: string;
  gender?: string;
  location?: string;
  device?: string;
  interest?: string;
  /** ISO instant the pipeline stored it (ReplacingMergeTree keeps the latest); now when unset. */
  ingested_at?: string;
}

/** Inserts rows the way the ingest worker would: one INSERT through the literal formatter. */
export async function insertEvents(executor: ClickHouseExecutor, database: string, events: readonly RawEvent[]): Promise<void> {
  const rows = events.map(
    (e) => sql`(${lit.string(e.event_id)}, ${lit.string(e.event_type)}, ${lit.string(e.engagement_type ?? '')},
      ${lit.dateTime(new Date(e.at))}, ${lit.int(e.ad_account_id, 'UInt64')}, ${lit.int(e.campaign_id ?? '0', 'UInt64')},
      ${lit.int(e.ad_group_id ?? '0', 'UInt64')}, ${lit.int(e.ad_id ?? '0', 'UInt64')}, ${lit.string(e.user_id ?? '')},
      ${lit.string(e.click_id ?? '')}, ${lit.int(e.price_micros ?? 0, 'Int64')}, ${lit.int(e.value_micros ?? 0, 'Int64')},
      ${lit.string(e.currency ?? '')}, ${lit.string(e.conversion_type ?? '')}, ${lit.int(e.ivt ?? 0, 'UInt8')},
      ${lit.string(e.placement ?? '')}, ${lit.string(e.age_bucket ?? '')}, ${lit.string(e.gender ?? '')}, ${lit.string(e.location ?? '')},
      ${lit.string(e.device ?? '')}, ${lit.string(e.interest ?? '')},
      ${lit.dateTime(e.ingested_at === undefined ? new Date() : new Date(e.ingested_at))})`,
  );
  await executor.command(sql`INSERT INTO ${tableRef(database, 'events')}
    (event_id, event_type, engagement_type, event_time, ad_account_id, campaign_id, ad_group_id, ad_id, user_id,
     click_id, price_micros, value_micros, currency, conversion_type, ivt, placement, age_bucket, gender, location, device, interest, ingested_at)
    VALUES ${sql.join(rows)}`);
}
