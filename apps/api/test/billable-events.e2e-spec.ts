import { randomInt } from 'node:crypto';
import { insertEvents, lit, sql, tableRef, type RawEvent } from '@loupe/analytics';
import { parse } from 'csv-parse/sync';
import { CLICKHOUSE, LOUPE_CONFIG, verifyCsvChecksum, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../src/openapi/route-catalog';
import { addMember } from './support/route-fixtures';
import { signUp, useTestApp, type TestUser } from './support/test-app';

/*
 * GET /v5/ad_accounts/{id}/finance/billable_events on the real services: ClickHouse
 * renders the CSV records, the API pipes them with its header and checksum trailer.
 * Hand-computed dataset in an America/New_York account (EST UTC-5 until 2026-03-08,
 * then EDT UTC-4), range 2026-03-01..2026-03-31:
 *   before   2026-03-01T04:59:00Z (NY 02-28 23:59)  impression 1,000         → outside
 *   first    2026-03-01T05:00:00Z (NY 03-01 00:00)  impression 2,500,000, placement =HYPERLINK(...)
 *   click    2026-03-10T12:00:00Z                   click 250,000, id "-5+3", placement with comma, quotes, CRLF
 *   resent   2026-03-11T00:00:00Z                   impression 100,000 sent twice → one row
 *   engage   2026-03-12T00:00:00Z                   engagement 10,000
 *   last     2026-04-01T03:59:59Z (NY 03-31 23:59:59) impression 1,000,000
 *   after    2026-04-01T04:00:00Z (NY 04-01 00:00)  impression 5             → outside
 *   free     impression with price 0, ivt impression, a conversion, and an impression
 *            re-flagged as invalid traffic by a later copy                 → not billed
 * Billed rows: 5; spend 3,860,000 micros.
 */
const TZ = 'America/New_York';

describe('finance: billable events CSV export', () => {
  const t = useTestApp();
  let owner: TestUser;
  let finance: TestUser;
  let analyst: TestUser;
  let outsider: TestUser;
  const n = randomInt(1_000_000_000);
  const id = (key: string) => `${key}:${n}`;

  const get = (path: string, user: TestUser | null = finance) => {
    const req = t.http().get(path);
    return user ? req.set('Authorization', user.auth) : req;
  };
  const download = async (path: string, user: TestUser = finance): Promise<Buffer> => {
    const res = await get(path, user)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    return res.body as Buffer;
  };
  const path = (query: string, account = owner.adAccountId) => `/v5/ad_accounts/${account}/finance/billable_events?${query}`;
  const records = (bytes: Buffer) => parse(bytes, { bom: true, comment: '#', record_delimiter: '\r\n' }) as string[][];

  beforeAll(async () => {
    owner = await signUp(t.app, { timezone: TZ, currency: 'USD', name: 'Acme, "Shoes" =cmd' });
    finance = await signUp(t.app);
    analyst = await signUp(t.app);
    outsider = await signUp(t.app);
    const routes = listRoutes(t.app);
    await addMember(t.app, routes, owner, finance, 'FINANCE_MANAGER');
    await addMember(t.app, routes, owner, analyst, 'ANALYST');
    const acct = owner.adAccountId;
    const base = { ad_account_id: acct, campaign_id: '11', ad_group_id: '22', ad_id: '33', placement: 'BROWSE' };
    const imp = (key: string, at: string, price: number, extra: Partial<RawEvent> = {}): RawEvent => ({
      ...base, event_id: id(key), event_type: 'IMPRESSION', at, price_micros: price, ...extra,
    });
    const clickhouse = t.app.get<ClickHouseExecutor>(CLICKHOUSE);
    const database = t.app.get<LoupeConfig>(LOUPE_CONFIG).clickhouse.database;
    await insertEvents(clickhouse, database, [
      imp('before', '2026-03-01T04:59:00Z', 1_000),
      imp('first', '2026-03-01T05:00:00Z', 2_500_000, { placement: '=HYPERLINK("http://evil.example","x")' }),
      { ...base, event_id: `-5+3${n}`, event_type: 'CLICK', at: '2026-03-10T12:00:00Z', price_micros: 250_000, placement: 'SEARCH, "linen sofa"\r\nnext', campaign_id: '12' },
      imp('resent', '2026-03-11T00:00:00Z', 100_000, { ingested_at: '2026-03-11T00:00:01Z' }),
      { ...base, event_id: id('engage'), event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at: '2026-03-12T00:00:00Z', price_micros: 10_000 },
      imp('last', '2026-04-01T03:59:59Z', 1_000_000),
      imp('after', '2026-04-01T04:00:00Z', 5),
      imp('free', '2026-03-05T00:00:00Z', 0),
      imp('ivt', '2026-03-05T00:00:00Z', 40_000, { ivt: 1 }),
      imp('reflagged', '2026-03-06T00:00:00Z', 70_000, { ingested_at: '2026-03-06T00:00:01Z' }),
      { ...base, event_id: id('conv'), event_type: 'CONVERSION', at: '2026-03-07T00:00:00Z', value_micros: 9_000_000, currency: 'USD', conversion_type: 'checkout' },
      { ...imp('other-account', '2026-03-07T00:00:00Z', 123_000), ad_account_id: finance.adAccountId },
    ]);
    // Later copies: the re-sent impression unchanged, the re-flagged one now invalid traffic.
    await insertEvents(clickhouse, database, [
      imp('resent', '2026-03-11T00:00:00Z', 100_000, { ingested_at: '2026-03-11T00:05:00Z' }),
      imp('reflagged', '2026-03-06T00:00:00Z', 70_000, { ivt: 1, ingested_at: '2026-03-07T00:00:00Z' }),
    ]);
    // A larger account: 30,000 billed events, so the download spans many chunks.
    await clickhouse.command(sql`INSERT INTO ${tableRef(database, 'events')}
      (event_id, event_type, event_time, ad_account_id, campaign_id, ad_group_id, ad_id, price_micros, placement)
      SELECT concat('bulk', toString(number)), 'IMPRESSION', toDateTime('2026-03-02 00:00:00', 'UTC') + number * 60,
        ${lit.int(outsider.adAccountId, 'UInt64')}, 1 + number % 3, 2, 3, toInt64(1000 + number), if(number % 7 = 0, 'a,"b"', 'BROWSE')
      FROM numbers(30000)`);
  }, 120_000);

  it('writes one row per billed event of the local days, with exact money and the account timezone', async () => {
    const bytes = await download(path('start_date=2026-03-01&end_date=2026-03-31'));
    const rows = records(bytes);
    expect(rows[0]).toEqual(['DATE', 'EVENT_TIME', 'EVENT_ID', 'EVENT_TYPE', 'CAMPAIGN_ID', 'AD_GROUP_ID', 'AD_ID', 'PLACEMENT', 'SPEND_IN_MICRO_CURRENCY', 'SPEND']);
    const byId = new Map(rows.slice(1).map((r) => [r[2], r]));
    expect([...byId.keys()].sort()).toEqual([id('engage'), id('first'), id('last'), id('resent'), `'-5+3${n}`].sort());
    expect(rows).toHaveLength(6);
    expect(byId.get(id('first'))).toEqual(['2026-03-01', '2026-03-01 00:00:00', id('first'), 'IMPRESSION', '11', '22', '33', `'=HYPERLINK("http://evil.example","x")`, '2500000', '2.500000']);
    expect(byId.get(`'-5+3${n}`)).toEqual(['2026-03-10', '2026-03-10 08:00:00', `'-5+3${n}`, 'CLICK', '12', '22', '33', 'SEARCH, "linen sofa"\r\nnext', '250000', '0.250000']);
    expect(byId.get(id('last'))!.slice(0, 2)).toEqual(['2026-03-31', '2026-03-31 23:59:59']);
    expect(byId.get(id('engage'))![3]).toBe('ENGAGEMENT');
    const spend = rows.slice(1).reduce((sum, r) => sum + BigInt(r[8]!), 0n);
    expect(spend).toBe(3_860_000n);
    // Quoting as RFC 4180 with CRLF records, exactly as the CSV module writes it.
    expect(bytes.toString('utf8')).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",2500000,2.500000\r\n`);
  });

  it('states account, period, timezone, currency, attribution windows and generation time, and ends with the checksum of the rows', async () => {
    const before = Date.now();
    const bytes = await download(path('start_date=2026-03-01&end_date=2026-03-31'));
    expect(bytes[0]).toBe(0x23);
    const check = await verifyCsvChecksum(bytes);
    expect(check).toMatchObject({ valid: true, placement: 'trailer', rows: 5 });
    expect(check.meta).toMatchObject({
      title: 'Loupe billable events',
      account: `Acme, "Shoes" =cmd (${owner.adAccountId})`,
      period: '2026-03-01 to 2026-03-31 (inclusive)',
      timezone: TZ,
      currency: 'USD',
    });
    expect(check.meta['attribution windows']).toMatch(/none/);
    expect(Date.parse(check.meta['generated at']!)).toBeGreaterThanOrEqual(before - 1000);
    // The same rows give the same digest on a second download; a changed cell breaks it.
    const again = await verifyCsvChecksum(await download(path('start_date=2026-03-01&end_date=2026-03-31')));
    expect(again.actual).toBe(check.actual);
    const tampered = bytes.toString('utf8').replace(',2500000,2.500000', ',2500001,2.500001');
    expect((await verifyCsvChecksum(tampered)).valid).toBe(false);
    // Each header line is one cell: no comma or quote in it.
    const header = bytes.toString('utf8').split('\r\n').filter((line) => line.startsWith('# ') && !line.startsWith('# sha256'));
    expect(header.some((line) => /[,"]/.test(line))).toBe(false);
  });

  it('starts with a BOM when asked', async () => {
    const bytes = await download(path('start_date=2026-03-01&end_date=2026-03-31&bom=true'));
    expect([...bytes.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x23]);
    expect(await verifyCsvChecksum(bytes)).toMatchObject({ valid: true, rows: 5 });
  });

  it('writes the header, the column row and a zero-row trailer for an empty range', async () => {
    const bytes = await download(path('start_date=2026-05-01&end_date=2026-05-02'));
    expect(records(bytes)).toHaveLength(1);
    expect(await verifyCsvChecksum(bytes)).toMatchObject({ valid: true, rows: 0 });
  });

  it('streams a larger export whole: every row, valid checksum, spend equal to ClickHouse sum', async () => {
    const bytes = await download(path('start_date=2026-03-01&end_date=2026-03-31', outsider.adAccountId), outsider);
    const check = await verifyCsvChecksum(bytes);
    expect(check).toMatchObject({ valid: true, rows: 30_000 });
    const rows = records(bytes).slice(1);
    expect(rows).toHaveLength(30_000);
    expect(rows.reduce((sum, r) => sum + BigInt(r[8]!), 0n)).toBe(30_000n * 1000n + (29_999n * 30_000n) / 2n);
    expect(rows.filter((r) => r[7] === 'a,"b"')).toHaveLength(Math.ceil(30_000 / 7));
    expect(check.meta.timezone).toBe('UTC');
  });

  it('is for finance: admins and finance managers may download; analysts, outsiders and anonymous callers may not', async () => {
    await download(path('start_date=2026-03-01&end_date=2026-03-02'), owner);
    const analystRes = await get(path('start_date=2026-03-01&end_date=2026-03-02'), analyst);
    expect(analystRes.status).toBe(403);
    expect(analystRes.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    const outsiderRes = await get(path('start_date=2026-03-01&end_date=2026-03-02'), outsider);
    expect([403, 404]).toContain(outsiderRes.status);
    expect(outsiderRes.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    const anonymous = await get(path('start_date=2026-03-01&end_date=2026-03-02'), null);
    expect(anonymous.status).toBe(401);
  });

  it.each([
    ['', /start_date/],
    ['start_date=2026-03-01', /end_date/],
    ['start_date=2026-03-31&end_date=2026-03-01', /must not be after/],
    ['start_date=2026-01-01&end_date=2026-04-03', /at most 92 days/],
    ['start_date=2026-02-30&end_date=2026-03-01', /calendar date/],
    ['start_date=03/01/2026&end_date=2026-03-02', /YYYY-MM-DD/],
    ['start_date=2026-03-01&end_date=2026-03-02&bom=yes', /bom/],
  ])('answers bad input %j with 400 {code, message}', async (query, message) => {
    const res = await get(path(query));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: expect.any(Number), message: expect.stringMatching(message) });
  });
});
