import { describe, expect, it } from 'vitest';
import { attributedConversionsSql, attributionTouchSql, type AttributedConversionsQuery } from './attribution-sql';
import type { AttributionWindowDays } from './schema';
import { SqlLiteralError } from './sql-literal';

const query: AttributedConversionsQuery = {
  database: 'loupe',
  adAccountIds: ['1'],
  from: new Date('2026-01-01T00:00:00Z'),
  to: new Date('2026-02-01T00:00:00Z'),
  windows: { clickWindowDays: 30, viewWindowDays: 1 },
  reportTime: 'TIME_OF_AD_ACTION',
  level: 'campaign',
  granularity: 'DAY',
  timezone: 'UTC',
};

describe('attribution SQL builders', () => {
  it('refuse a window Pinterest does not offer', () => {
    expect(() => attributionTouchSql({ clickWindowDays: 3 as AttributionWindowDays, viewWindowDays: 1 })).toThrow(SqlLiteralError);
    expect(() => attributionTouchSql({ clickWindowDays: 30, viewWindowDays: -1 as AttributionWindowDays })).toThrow(/viewWindowDays/);
  });

  it('refuse an unknown report time and an empty account list', () => {
    expect(() => attributedConversionsSql({ ...query, reportTime: 'NOW' as 'TIME_OF_CONVERSION' })).toThrow(/reportTime/);
    expect(() => attributedConversionsSql({ ...query, adAccountIds: [] })).toThrow(/at least one ad account/);
  });

  it('switch a kind of touch off with a 0-day window instead of comparing against 0 seconds', () => {
    expect(attributionTouchSql({ clickWindowDays: 0, viewWindowDays: 1 }).byClick.text).toBe('toUInt8(0)');
    expect(attributionTouchSql({ clickWindowDays: 7, viewWindowDays: 1 }).byClick.text).toContain('<= 604800');
  });

  it('look for conversions up to 60 days after the range when reporting at the time of the ad action', () => {
    expect(attributedConversionsSql(query).text).toContain("conversion_date <= toDate('2026-04-02')");
    expect(attributedConversionsSql({ ...query, reportTime: 'TIME_OF_CONVERSION' }).text).toContain("conversion_date <= toDate('2026-02-01')");
  });
});
