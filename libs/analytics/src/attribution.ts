import { attributionTouchSql } from './attribution-sql';
import { dedupedHourEventsSql } from './rollup-sql';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { DEFAULT_CLICK_WINDOW_DAYS, DEFAULT_VIEW_WINDOW_DAYS, MAX_ATTRIBUTION_WINDOW_DAYS, tableRef } from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Attributes the conversions of one (ad account, UTC hour): for each, finds the
 * latest non-IVT click and the latest non-IVT impression of the same ad account
 * at or before it and at most 60 days older, matched by click id or hashed user
 * id, and writes one attributed_conversions row per conversion (unattributed
 * ones too). Idempotent: it rewrites the same rows with a higher version.
 *
 * Matching runs here rather than in SQL because it is a non-equi "latest touch
 * before each conversion" join, which 18.16 cannot express (no ASOF JOIN, no
 * window functions). The touches fetched are narrowed to the hour's users and
 * click ids, so it stays small.
 */

const HOUR_SECONDS = 3600;
const DAY_SECONDS = 86_400;
const LOOKBACK_SECONDS = MAX_ATTRIBUTION_WINDOW_DAYS * DAY_SECONDS;
/** Rows per INSERT / ids per IN list: large enough to batch, small enough for an HTTP request. */
const CHUNK = 2000;

export interface AttributeHourOptions {
  database: string;
  adAccountId: string;
  /** Start of the UTC hour, unix seconds. */
  hour: number;
  version: number;
}

export interface AttributeHourResult {
  conversions: number;
  /** Non-IVT conversions the default windows give to a click / an impression. */
  attributedByClick: number;
  attributedByView: number;
  /**
   * UTC hours (unix seconds) whose rollups count one of these conversions under
   * the default windows, before or after this run — recompute them so the
   * conversion moves to (or away from) its ad-action hour.
   */
  touchHours: number[];
}

interface ConversionRow {
  event_id: string;
  t: number;
  conversion_type: string;
  value_micros: string;
  currency: string;
  user_id: string;
  click_id: string;
  ivt: number;
}

interface TouchRow {
  event_id: string;
  event_type: 'CLICK' | 'IMPRESSION';
  t: number;
  campaign_id: string;
  ad_group_id: string;
  ad_id: string;
  user_id: string;
}

interface Touch {
  row: TouchRow;
  match: 'click_id' | 'user_id';
}

/** The click event id a conversion's click id names: `c:<auction>:<slot>`, or the bare `<auction>:<slot>`. */
export function clickEventId(clickId: string): string | null {
  if (clickId === '') return null;
  return clickId.startsWith('c:') ? clickId : `c:${clickId}`;
}

/** The impression of the same auction slot as a click. */
function impressionEventId(clickEventIdValue: string): string {
  return `i:${clickEventIdValue.slice(2)}`;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The latest touch of `type` at or before `t` within the lookback; a click-id match wins a tie. */
function latestTouch(
  conversion: ConversionRow,
  type: TouchRow['event_type'],
  byEventId: Map<string, TouchRow>,
  byUser: Map<string, TouchRow[]>,
): Touch | null {
  const candidates: Touch[] = [];
  const clickEvent = clickEventId(conversion.click_id);
  if (clickEvent !== null) {
    const touch = byEventId.get(type === 'CLICK' ? clickEvent : impressionEventId(clickEvent));
    if (touch !== undefined) candidates.push({ row: touch, match: 'click_id' });
  }
  if (conversion.user_id !== '') {
    for (const row of byUser.get(conversion.user_id) ?? []) if (row.event_type === type) candidates.push({ row, match: 'user_id' });
  }
  let best: Touch | null = null;
  for (const candidate of candidates) {
    const { t } = candidate.row;
    if (t > conversion.t || t < conversion.t - LOOKBACK_SECONDS) continue;
    if (
      best === null ||
      t > best.row.t ||
      (t === best.row.t && candidate.match === 'click_id' && best.match !== 'click_id') ||
      (t === best.row.t && candidate.match === best.match && candidate.row.event_id > best.row.event_id)
    ) {
      best = candidate;
    }
  }
  return best;
}

function touchValues(touch: Touch | null, conversionTime: number): SqlFragment {
  if (touch === null) return sql`0, '', ${lit.dateTime(conversionTime)}, '', 0, 0, 0`;
  const { row, match } = touch;
  return sql`1, ${lit.string(row.event_id)}, ${lit.dateTime(row.t)}, ${lit.string(match)}, ${lit.int(row.campaign_id, 'UInt64')}, ${lit.int(
    row.ad_group_id,
    'UInt64',
  )}, ${lit.int(row.ad_id, 'UInt64')}`;
}

/**
 * UTC hours whose default-window rollups count the given conversions: as
 * attributed_conversions now stands (`latest`), or under every version still
 * stored (`stored`: old versions linger until a merge, so a retry after a crash
 * between writing attribution and rolling up usually still finds the hour a
 * conversion left).
 */
async function defaultTouchHours(
  executor: ClickHouseExecutor,
  options: AttributeHourOptions,
  eventIds: string[],
  versions: 'latest' | 'stored',
): Promise<number[]> {
  const touch = attributionTouchSql({ clickWindowDays: DEFAULT_CLICK_WINDOW_DAYS, viewWindowDays: DEFAULT_VIEW_WINDOW_DAYS });
  const hours = new Set<number>();
  for (const ids of chunks(eventIds)) {
    const rows = await executor.query<{ h: number }>(sql`
      SELECT DISTINCT toUInt32(toStartOfHour(${touch.touchTime})) AS h
      FROM ${tableRef(options.database, 'attributed_conversions')} ${versions === 'latest' ? sql`FINAL` : sql``}
      WHERE ad_account_id = ${lit.int(options.adAccountId, 'UInt64')}
        AND conversion_date = ${lit.date(new Date(options.hour * 1000))}
        AND conversion_event_id IN ${lit.inList(ids, 'String')}
        AND ivt = 0 AND ${touch.attributed}`);
    for (const row of rows) hours.add(Number(row.h));
  }
  return [...hours];
}

export async function attributeHour(executor: ClickHouseExecutor, options: AttributeHourOptions): Promise<AttributeHourResult> {
  const { database, adAccountId, hour, version } = options;
  if (!Number.isSafeInteger(hour) || hour % HOUR_SECONDS !== 0) {
    throw new SqlLiteralError(`attribution hour must be unix seconds at the start of an hour, got ${hour}`);
  }
  const account = lit.int(adAccountId, 'UInt64');
  const events = tableRef(database, 'events');
  const conversions = await executor.query<ConversionRow>(sql`
    SELECT event_id, toUInt32(d_event_time) AS t, lower(d_conversion_type) AS conversion_type, d_value_micros AS value_micros,
      d_currency AS currency, d_user_id AS user_id, d_click_id AS click_id, d_ivt AS ivt
    FROM (${dedupedHourEventsSql(options, sql`('CONVERSION')`)})
    ORDER BY event_id`);
  if (conversions.length === 0) return { conversions: 0, attributedByClick: 0, attributedByView: 0, touchHours: [] };

  // Hours the conversions counted in before this run, so a conversion whose touch changed leaves its old hour.
  const conversionIds = conversions.map((c) => c.event_id);
  const previousHours = await defaultTouchHours(executor, options, conversionIds, 'stored');

  const touchIds = new Set<string>();
  for (const conversion of conversions) {
    const click = clickEventId(conversion.click_id);
    if (click !== null) touchIds.add(click).add(impressionEventId(click));
  }
  const users = [...new Set(conversions.map((c) => c.user_id).filter((u) => u !== ''))];
  const byEventId = new Map<string, TouchRow>();
  const byUser = new Map<string, TouchRow[]>();
  const times = conversions.map((c) => Number(c.t));
  const lastConversion = times.reduce((a, b) => Math.max(a, b));
  const lookbackStart = Math.max(1, times.reduce((a, b) => Math.min(a, b)) - LOOKBACK_SECONDS);
  const fetchTouches = async (condition: SqlFragment): Promise<void> => {
    // GROUP BY event_id instead of FINAL: FINAL would merge every row of the
    // account's 60 days single-threaded on 18.16; this dedupes only the matched
    // touches, keeping the IVT flag of the latest copy (a later re-flag wins).
    // Aliases differ from column names so they are not substituted into WHERE.
    const rows = await executor.query<{
      event_id: string;
      touch_type: TouchRow['event_type'];
      t: number;
      touch_campaign_id: string;
      touch_ad_group_id: string;
      touch_ad_id: string;
      touch_user_id: string;
    }>(sql`
      SELECT event_id, any(event_type) AS touch_type, toUInt32(any(event_time)) AS t, any(campaign_id) AS touch_campaign_id,
        any(ad_group_id) AS touch_ad_group_id, any(ad_id) AS touch_ad_id, any(user_id) AS touch_user_id
      FROM ${events}
      WHERE ad_account_id = ${account}
        AND event_date >= ${lit.date(new Date(lookbackStart * 1000))} AND event_date <= ${lit.date(new Date(lastConversion * 1000))}
        AND event_time >= ${lit.dateTime(lookbackStart)} AND event_time <= ${lit.dateTime(lastConversion)}
        AND event_type IN ('CLICK', 'IMPRESSION')
        AND ${condition}
      GROUP BY event_id
      HAVING argMax(ivt, ingested_at) = 0`);
    for (const r of rows) {
      if (byEventId.has(r.event_id)) continue;
      const row: TouchRow = {
        event_id: r.event_id,
        event_type: r.touch_type,
        t: Number(r.t),
        campaign_id: r.touch_campaign_id,
        ad_group_id: r.touch_ad_group_id,
        ad_id: r.touch_ad_id,
        user_id: r.touch_user_id,
      };
      byEventId.set(row.event_id, row);
      if (row.user_id !== '') {
        const list = byUser.get(row.user_id) ?? [];
        list.push(row);
        byUser.set(row.user_id, list);
      }
    }
  };
  for (const ids of chunks([...touchIds])) await fetchTouches(sql`event_id IN ${lit.inList(ids, 'String')}`);
  for (const ids of chunks(users)) await fetchTouches(sql`user_id IN ${lit.inList(ids, 'String')}`);

  let attributedByClick = 0;
  let attributedByView = 0;
  const values: SqlFragment[] = conversions.map((conversion) => {
    const click = latestTouch(conversion, 'CLICK', byEventId, byUser);
    const view = latestTouch(conversion, 'IMPRESSION', byEventId, byUser);
    const counted = Number(conversion.ivt) === 0; // an IVT conversion is stored with its touches but never counted
    if (counted && click !== null && conversion.t - click.row.t <= DEFAULT_CLICK_WINDOW_DAYS * DAY_SECONDS) attributedByClick++;
    else if (counted && view !== null && conversion.t - view.row.t <= DEFAULT_VIEW_WINDOW_DAYS * DAY_SECONDS) attributedByView++;
    return sql`(${account}, ${lit.date(new Date(conversion.t * 1000))}, ${lit.string(conversion.event_id)}, ${lit.dateTime(conversion.t)},
      ${lit.string(conversion.conversion_type)}, ${lit.int(conversion.value_micros, 'Int64')}, ${lit.string(conversion.currency)},
      ${lit.string(conversion.user_id)}, ${lit.string(conversion.click_id)}, ${lit.int(conversion.ivt, 'UInt8')},
      ${touchValues(click, conversion.t)}, ${touchValues(view, conversion.t)}, ${lit.int(version, 'UInt64')})`;
  });
  for (const rows of chunks(values)) {
    await executor.command(sql`
      INSERT INTO ${tableRef(database, 'attributed_conversions')}
        (ad_account_id, conversion_date, conversion_event_id, conversion_time, conversion_type, value_micros, currency, user_id, click_id, ivt,
         has_click, click_event_id, click_time, click_match, click_campaign_id, click_ad_group_id, click_ad_id,
         has_view, view_event_id, view_time, view_match, view_campaign_id, view_ad_group_id, view_ad_id, version)
      VALUES ${sql.join(rows)}`);
  }

  const currentHours = await defaultTouchHours(executor, options, conversionIds, 'latest');
  return {
    conversions: conversions.length,
    attributedByClick,
    attributedByView,
    touchHours: [...new Set([...previousHours, ...currentHours])].sort((a, b) => a - b),
  };
}

/**
 * Hours after `hour` holding already-attributed conversions that a touch of
 * `hour` now beats (same user, or named by click id, and newer than the
 * conversion's stored touch of that kind): the touch arrived after its
 * conversion was attributed (a late or retried batch), so those hours must be
 * attributed again. Empty in the usual order of arrival. The touches are
 * selected on the server, so no id list is sent.
 */
export async function laterConversionHours(
  executor: ClickHouseExecutor,
  options: Pick<AttributeHourOptions, 'database' | 'adAccountId' | 'hour'>,
): Promise<number[]> {
  const { database, adAccountId, hour } = options;
  const account = lit.int(adAccountId, 'UInt64');
  const start = lit.dateTime(hour);
  const touches = (type: 'CLICK' | 'IMPRESSION'): SqlFragment => sql`
    FROM ${tableRef(database, 'events')}
    WHERE ad_account_id = ${account} AND event_date = ${lit.date(new Date(hour * 1000))}
      AND event_time >= ${start} AND event_time < ${lit.dateTime(hour + HOUR_SECONDS)}
      AND event_type = ${lit.string(type)} AND ivt = 0`;
  const clicks = touches('CLICK');
  const impressions = touches('IMPRESSION');
  const rows = await executor.query<{ h: number }>(sql`
    SELECT DISTINCT toUInt32(toStartOfHour(conversion_time)) AS h
    FROM ${tableRef(database, 'attributed_conversions')} FINAL
    WHERE ad_account_id = ${account}
      AND conversion_date >= ${lit.date(new Date(hour * 1000))}
      AND conversion_date <= ${lit.date(new Date((hour + HOUR_SECONDS + LOOKBACK_SECONDS) * 1000))}
      AND conversion_time >= ${lit.dateTime(hour + HOUR_SECONDS)}
      AND conversion_time < ${lit.dateTime(hour + LOOKBACK_SECONDS + HOUR_SECONDS)}
      AND (
        ((has_click = 0 OR click_time < ${start})
          AND ((user_id != '' AND user_id IN (SELECT user_id ${clicks} AND user_id != ''))
            OR (click_id != '' AND (click_id IN (SELECT event_id ${clicks}) OR concat('c:', click_id) IN (SELECT event_id ${clicks})))))
        OR ((has_view = 0 OR view_time < ${start})
          AND ((user_id != '' AND user_id IN (SELECT user_id ${impressions} AND user_id != ''))
            OR (click_id != '' AND concat('i:', replaceRegexpOne(click_id, '^c:', '')) IN (SELECT event_id ${impressions}))))
      )
    ORDER BY h`);
  return rows.map((row) => Number(row.h));
}
