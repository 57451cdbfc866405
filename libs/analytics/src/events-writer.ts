import type { ClickHouseExecutor } from './clickhouse.executor';
import { lit, sql, type SqlFragment } from './sql-literal';
import { EVENT_COLUMN_NAMES, tableRef, type EventColumn } from './schema';

/**
 * One row of `events` as the writer takes it: the AdEvent contract's fields
 * (libs/contracts events.ts). Declared here, not imported, because the
 * analytics library does not depend on the contracts library.
 */
export interface EventRow {
  event_id: string;
  event_type: string;
  engagement_type: string;
  event_time_ms: number;
  ad_account_id: string;
  campaign_id: string;
  ad_group_id: string;
  ad_id: string;
  pin_id: string;
  auction_id: string;
  slot: number;
  placement: string;
  user_id: string;
  click_id: string;
  price_micros: number;
  value_micros: number;
  currency: string;
  conversion_type: string;
  ivt: boolean;
  ivt_reason: string;
  age_bucket: string;
  gender: string;
  location: string;
  device: string;
  locale: string;
  interest: string;
}

/**
 * Columns the writer sends, in table order. `event_date` and `ingested_at` are
 * left to their DEFAULTs (the UTC day of event_time; now()).
 */
export const EVENT_INSERT_COLUMNS = EVENT_COLUMN_NAMES.filter(
  (c): c is Exclude<EventColumn, 'event_date' | 'ingested_at'> => c !== 'event_date' && c !== 'ingested_at',
);

/** Raised when one row cannot be rendered (e.g. an event_time outside DateTime's range). */
export class EventRowError extends Error {
  override readonly name = 'EventRowError';
}

/** The literal type of each of EVENT_INSERT_COLUMNS, in order (event_time as its quoted text). */
const EVENT_TUPLE_TYPES = [
  'String', // event_id
  'String', // event_type
  'String', // engagement_type
  'String', // event_time, 'YYYY-MM-DD hh:mm:ss'
  'UInt64', // ad_account_id
  'UInt64', // campaign_id
  'UInt64', // ad_group_id
  'UInt64', // ad_id
  'UInt64', // pin_id
  'String', // auction_id
  'UInt8', // slot
  'String', // placement
  'String', // user_id
  'String', // click_id
  'Int64', // price_micros
  'Int64', // value_micros
  'String', // currency
  'String', // conversion_type
  'UInt8', // ivt
  'String', // ivt_reason
  'String', // age_bucket
  'String', // gender
  'String', // location
  'String', // device
  'String', // locale
  'String', // interest
] as const;

const renderEventTuple = lit.valuesRow(EVENT_TUPLE_TYPES);
/** event_id, event_time, ad_account_id: what the ingest worker needs of a row besides inserting it. */
const readEventTuple = lit.valuesRowReader(EVENT_TUPLE_TYPES, [0, 3, 4], EVENT_INSERT_COLUMNS);

/** The last second formatted (a batch's events mostly share a handful of seconds). */
let lastSeconds = NaN;
let lastEventTime = '';

/**
 * One row as a VALUES tuple. event_time goes as a quoted 'YYYY-MM-DD hh:mm:ss'
 * string, read in the column's own timezone (DateTime('UTC')): unlike
 * `toDateTime(…)` it stays on the VALUES fast path (no expression evaluated
 * per row), which makes 18.16 parse a batch several times faster.
 */
export function eventValuesRow(row: EventRow): SqlFragment {
  const seconds = Math.floor(row.event_time_ms / 1000);
  // The range lit.dateTime accepts, so both engines read the same instant back.
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 4_291_747_199) {
    throw new EventRowError(`event_time_ms ${row.event_time_ms} is outside 1970-01-01T00:00:01Z..2105-12-31T23:59:59Z`);
  }
  if (seconds !== lastSeconds) {
    lastEventTime = new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lastSeconds = seconds;
  }
  try {
    return renderEventTuple([
      row.event_id,
      row.event_type,
      row.engagement_type,
      lastEventTime,
      row.ad_account_id,
      row.campaign_id,
      row.ad_group_id,
      row.ad_id,
      row.pin_id,
      row.auction_id,
      row.slot,
      row.placement,
      row.user_id,
      row.click_id,
      row.price_micros,
      row.value_micros,
      row.currency,
      row.conversion_type,
      row.ivt ? 1 : 0,
      row.ivt_reason,
      row.age_bucket,
      row.gender,
      row.location,
      row.device,
      row.locale,
      row.interest,
    ]);
  } catch (error) {
    throw new EventRowError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** A row rendered by eventValuesRow elsewhere (a queue job), checked, with the keys the ingest worker needs. */
export interface RenderedEventRow {
  event_id: string;
  ad_account_id: string;
  /** The row's event_time (whole seconds) in milliseconds: same UTC hour and day as the event's own. */
  event_time_ms: number;
  row: SqlFragment;
}

const EVENT_TIME_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
/** The last event_time text read (a job's rows mostly share a handful of seconds). */
let lastTimeText = '';
let lastTimeMs = NaN;

/**
 * Takes back the text of a row eventValuesRow rendered (the API renders each event once
 * and queues the row; docs/pipeline.md): accepts exactly what eventValuesRow can produce
 * — every value a literal of its column's type, in range (lit.valuesRowReader), event_time
 * a real 'YYYY-MM-DD hh:mm:ss' inside the range eventValuesRow accepts — so nothing else
 * reaches an insert through it. Throws EventRowError with the reason otherwise.
 */
export function readEventValuesRow(text: unknown): RenderedEventRow {
  let read: { row: SqlFragment; values: string[] };
  try {
    read = readEventTuple(text);
  } catch (error) {
    throw new EventRowError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const [eventId, time, account] = read.values;
  if (time !== lastTimeText) {
    const ms = eventTimeMs(time);
    if (ms === null) throw new EventRowError(`event_time ${JSON.stringify(time)} is not a time eventValuesRow writes`);
    lastTimeText = time;
    lastTimeMs = ms;
  }
  return { event_id: eventId, ad_account_id: account, event_time_ms: lastTimeMs, row: read.row };
}

const readWholeEventTuple = lit.valuesRowReader(EVENT_TUPLE_TYPES, EVENT_TUPLE_TYPES.map((_, i) => i), EVENT_INSERT_COLUMNS);

/**
 * Every field of a row eventValuesRow rendered (tests, and an operator reading a lean job or
 * a dead letter): the event as it will be stored, event_time in whole seconds.
 * Throws EventRowError as readEventValuesRow does.
 */
export function decodeEventValuesRow(text: unknown): EventRow {
  let values: string[];
  try {
    values = readWholeEventTuple(text).values;
  } catch (error) {
    throw new EventRowError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const time = eventTimeMs(values[3]);
  if (time === null) throw new EventRowError(`event_time ${JSON.stringify(values[3])} is not a time eventValuesRow writes`);
  const field = Object.fromEntries(EVENT_INSERT_COLUMNS.map((column, i) => [column, values[i]])) as Record<(typeof EVENT_INSERT_COLUMNS)[number], string>;
  return {
    event_id: field.event_id,
    event_type: field.event_type,
    engagement_type: field.engagement_type,
    event_time_ms: time,
    ad_account_id: field.ad_account_id,
    campaign_id: field.campaign_id,
    ad_group_id: field.ad_group_id,
    ad_id: field.ad_id,
    pin_id: field.pin_id,
    auction_id: field.auction_id,
    slot: Number(field.slot),
    placement: field.placement,
    user_id: field.user_id,
    click_id: field.click_id,
    price_micros: Number(field.price_micros),
    value_micros: Number(field.value_micros),
    currency: field.currency,
    conversion_type: field.conversion_type,
    ivt: field.ivt === '1',
    ivt_reason: field.ivt_reason,
    age_bucket: field.age_bucket,
    gender: field.gender,
    location: field.location,
    device: field.device,
    locale: field.locale,
    interest: field.interest,
  };
}

/** Milliseconds of a 'YYYY-MM-DD hh:mm:ss' UTC text eventValuesRow could have written, else null. */
function eventTimeMs(text: string): number | null {
  const m = EVENT_TIME_TEXT.exec(text);
  if (m === null) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const seconds = ms / 1000;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 4_291_747_199) return null;
  // Round trip: rejects 2026-02-30, 24:00:00 and the like, which Date.UTC would roll over.
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') === text ? ms : null;
}

/** `INSERT INTO db.events (…) VALUES …` for pre-rendered rows (see eventValuesRow). */
export function eventsInsert(database: string, rows: readonly SqlFragment[]): SqlFragment {
  if (rows.length === 0) throw new EventRowError('an insert needs at least one row');
  const columns = sql.join(EVENT_INSERT_COLUMNS.map((c) => lit.identifier(c, EVENT_COLUMN_NAMES)));
  return sql`INSERT INTO ${tableRef(database, 'events')} (${columns}) VALUES ${sql.join(rows, sql`,`)}`;
}

/**
 * Ids of these events already in `events`. The filter names the sort key's
 * leading columns (account, UTC day) so the server reads only their granules.
 * Ids go in chunks that keep each query well under max_query_size (256 KiB).
 */
export async function existingEventIds(
  executor: ClickHouseExecutor,
  database: string,
  events: readonly Pick<EventRow, 'event_id' | 'ad_account_id' | 'event_time_ms'>[],
  chunkBytes = 120_000,
): Promise<Set<string>> {
  const found = new Set<string>();
  let chunk: typeof events[number][] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const accounts = [...new Set(chunk.map((e) => e.ad_account_id))];
    const days = [...new Set(chunk.map((e) => new Date(Math.floor(e.event_time_ms / 1000) * 1000).toISOString().slice(0, 10)))];
    const rows = await executor.query<{ event_id: string }>(sql`
      SELECT DISTINCT event_id FROM ${tableRef(database, 'events')}
      WHERE ad_account_id IN ${lit.inList(accounts, 'UInt64')}
        AND event_date IN ${lit.inList(days, 'Date')}
        AND event_id IN ${lit.inList(chunk.map((e) => e.event_id), 'String')}`);
    for (const row of rows) found.add(row.event_id);
    chunk = [];
    bytes = 0;
  };
  for (const event of events) {
    chunk.push(event);
    bytes += event.event_id.length + 8;
    if (bytes >= chunkBytes) await flush();
  }
  await flush();
  return found;
}
