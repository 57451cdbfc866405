import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventRowError,
  eventValuesRow,
  eventsInsert,
  decodeEventValuesRow,
  existingEventIds,
  lit,
  readEventValuesRow,
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

  it('inserts rows taken back from their text (a lean queue job) as the rendered rows themselves', async () => {
    const texts = [eventValuesRow(row({ event_id: "q:it's\\1" })).text, eventValuesRow(row({ event_id: 'q:2', ad_account_id: '7' })).text];
    const read = texts.map(readEventValuesRow);
    await executor.command(eventsInsert(database, read.map((r) => r.row)));
    const stored = await executor.query<{ event_id: string; ad_account_id: string; t: string; interest: string }>(sql`
      SELECT event_id, toString(ad_account_id) AS ad_account_id, toString(event_time) AS t, interest
      FROM ${lit.databaseName(database)}.events WHERE event_id LIKE 'q:%' ORDER BY event_id`);
    expect(stored).toEqual([
      { event_id: 'q:2', ad_account_id: '7', t: '2026-01-31 23:59:58', interest: "it's \\ \u0000 \u{1F600}" },
      { event_id: "q:it's\\1", ad_account_id: '18446744073709551615', t: '2026-01-31 23:59:58', interest: "it's \\ \u0000 \u{1F600}" },
    ]);
  });
});

describe('readEventValuesRow', () => {
  it("returns the row and the keys the worker needs: the id as it was, the account's decimal, the time in whole seconds", () => {
    const rendered = eventValuesRow(row({ event_id: "v:1:it's \\ \u0001 é", ad_account_id: '42' }));
    const read = readEventValuesRow(rendered.text);
    expect(read.row.text).toBe(rendered.text);
    expect(read).toMatchObject({ event_id: "v:1:it's \\ \u0001 é", ad_account_id: '42', event_time_ms: Date.UTC(2026, 0, 31, 23, 59, 58) });
    // Another second after it, then the first again (the last time read is remembered).
    expect(readEventValuesRow(eventValuesRow(row({ event_time_ms: Date.UTC(2105, 11, 31, 23, 59, 59) })).text).event_time_ms).toBe(Date.UTC(2105, 11, 31, 23, 59, 59));
    expect(readEventValuesRow(rendered.text).event_time_ms).toBe(Date.UTC(2026, 0, 31, 23, 59, 58));
  });

  it.each([
    ['another row appended', (t: string) => `${t}, ${t}`, /ends there/],
    ['an expression for a value', (t: string) => t.replace("'SEARCH'", "concat('SEA', 'RCH')"), /column 12 \(placement\)/],
    ['an id beyond UInt64', (t: string) => t.replace('18446744073709551615', '18446744073709551616'), /column 5 \(ad_account_id\)/],
    ['a slot beyond UInt8', (t: string) => t.replace(', 255, ', ', 256, '), /column 11 \(slot\)/],
    ['a column missing', (t: string) => t.replace("'IMPRESSION', ", ''), /column/],
    ['a time that is no calendar time', (t: string) => t.replace('2026-01-31 23:59:58', '2026-02-30 23:59:58'), /event_time "2026-02-30 23:59:58"/],
    ['a time before what eventValuesRow writes', (t: string) => t.replace('2026-01-31 23:59:58', '1970-01-01 00:00:00'), /event_time/],
    ['a time in another form', (t: string) => t.replace('2026-01-31 23:59:58', '2026-01-31T23:59:58'), /event_time/],
  ])('refuses %s with EventRowError', (_name, change, reason) => {
    const text = change(eventValuesRow(row()).text);
    expect(() => readEventValuesRow(text)).toThrow(EventRowError);
    expect(() => readEventValuesRow(text)).toThrow(reason);
  });

  it('refuses what is not a string', () => {
    expect(() => readEventValuesRow({ event_id: 'x' })).toThrow(EventRowError);
    expect(() => decodeEventValuesRow(42)).toThrow(EventRowError);
  });

  it('decodes a whole row back into the event (its time in whole seconds)', () => {
    const r = row({ price_micros: 123_456, ivt: false, ivt_reason: '' });
    expect(decodeEventValuesRow(eventValuesRow(r).text)).toEqual({ ...r, event_time_ms: Date.UTC(2026, 0, 31, 23, 59, 58) });
    expect(decodeEventValuesRow(eventValuesRow(row()).text).ivt).toBe(true);
  });
});
