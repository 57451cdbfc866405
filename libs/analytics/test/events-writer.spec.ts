import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventRowError,
  eventValuesRow,
  eventsInsert,
  existingEventIds,
  lit,
  runClickHouseMigrations,
  sql,
  type ClickHouseExecutor,
  type EventRow,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';

function row(overrides: Partial<EventRow> = {}): EventRow {
  return {
    event_id: 'i:1:0',
    event_type: 'IMPRESSION',
    engagement_type: '',
    event_time_ms: Date.UTC(2026, 0, 31, 23, 59, 58, 999),
    ad_account_id: '18446744073709551615',
    campaign_id: '1',
    ad_group_id: '2',
    ad_id: '3',
    pin_id: '4',
    auction_id: 'a',
    slot: 255,
    placement: 'SEARCH',
    user_id: 'u',
    click_id: '',
    price_micros: 9_007_199_254_740_991,
    value_micros: 0,
    currency: 'USD',
    conversion_type: '',
    ivt: true,
    ivt_reason: 'KNOWN_BOT',
    age_bucket: '',
    gender: '',
    location: '',
    device: '',
    locale: '',
    interest: "it's \\ \u0000 \u{1F600}",
    ...overrides,
  };
}

describe.each(ENGINES)('events writer on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('writer');

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  it('inserts rows that read back field for field, in UTC, with event_date derived', async () => {
    await executor.command(eventsInsert(database, [eventValuesRow(row()), eventValuesRow(row({ event_id: 'c:2:1', event_type: 'CLICK', ivt: false }))]));
    const rows = await executor.query(sql`
      SELECT event_id, toString(event_time) AS t, toString(event_date) AS d, ad_account_id, slot, price_micros, ivt, interest
      FROM ${lit.databaseName(database)}.events ORDER BY event_id`);
    expect(rows).toEqual([
      { event_id: 'c:2:1', t: '2026-01-31 23:59:58', d: '2026-01-31', ad_account_id: '18446744073709551615', slot: 255, price_micros: '9007199254740991', ivt: 0, interest: "it's \\ \u0000 \u{1F600}" },
      { event_id: 'i:1:0', t: '2026-01-31 23:59:58', d: '2026-01-31', ad_account_id: '18446744073709551615', slot: 255, price_micros: '9007199254740991', ivt: 1, interest: "it's \\ \u0000 \u{1F600}" },
    ]);
  });

  it('finds which ids are already stored, across accounts and days, in chunks', async () => {
    await executor.command(eventsInsert(database, [eventValuesRow(row({ event_id: 'x:1', ad_account_id: '5', event_time_ms: Date.UTC(2026, 1, 1) }))]));
    const asked = [
      { event_id: 'x:1', ad_account_id: '5', event_time_ms: Date.UTC(2026, 1, 1) },
      { event_id: 'i:1:0', ad_account_id: '18446744073709551615', event_time_ms: Date.UTC(2026, 0, 31, 23) },
      ...Array.from({ length: 50 }, (_, i) => ({ event_id: `missing-${i}`, ad_account_id: '5', event_time_ms: Date.UTC(2026, 1, 1) })),
    ];
    expect(await existingEventIds(executor, database, asked, 200)).toEqual(new Set(['x:1', 'i:1:0']));
  });

  it('renders each column as lit.* does, the time as its UTC text, whatever second came before', () => {
    const r = row();
    const expected = (eventTime: string, e: EventRow): string =>
      sql`(${lit.string(e.event_id)}, ${lit.string(e.event_type)}, ${lit.string(e.engagement_type)}, ${lit.string(eventTime)}, ${lit.int(e.ad_account_id, 'UInt64')}, ${lit.int(e.campaign_id, 'UInt64')}, ${lit.int(e.ad_group_id, 'UInt64')}, ${lit.int(e.ad_id, 'UInt64')}, ${lit.int(e.pin_id, 'UInt64')}, ${lit.string(e.auction_id)}, ${lit.int(e.slot, 'UInt8')}, ${lit.string(e.placement)}, ${lit.string(e.user_id)}, ${lit.string(e.click_id)}, ${lit.int(e.price_micros, 'Int64')}, ${lit.int(e.value_micros, 'Int64')}, ${lit.string(e.currency)}, ${lit.string(e.conversion_type)}, ${lit.int(e.ivt ? 1 : 0, 'UInt8')}, ${lit.string(e.ivt_reason)}, ${lit.string(e.age_bucket)}, ${lit.string(e.gender)}, ${lit.string(e.location)}, ${lit.string(e.device)}, ${lit.string(e.locale)}, ${lit.string(e.interest)})`.text;
    expect(eventValuesRow(r).text).toBe(expected('2026-01-31 23:59:58', r));
    const next = row({ event_time_ms: Date.UTC(2026, 0, 31, 23, 59, 59), ivt: false, ad_account_id: '0' });
    expect(eventValuesRow(next).text).toBe(expected('2026-01-31 23:59:59', next));
    expect(eventValuesRow(r).text).toBe(expected('2026-01-31 23:59:58', r));
  });

  it('refuses a row whose time or ids cannot be stored', () => {
    expect(() => eventValuesRow(row({ event_time_ms: 0 }))).toThrow(EventRowError);
    expect(() => eventValuesRow(row({ ad_id: '18446744073709551616' }))).toThrow(EventRowError);
  });
});
