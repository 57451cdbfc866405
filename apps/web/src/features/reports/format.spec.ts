import { describe, expect, it } from 'vitest';
import { dimensionText, formatReportCell, totalsRows } from './format';

const money = { name: 'spend', type: 'money_micros' };

describe('report cells', () => {
  it('formats money micros exactly in the row’s currency, with its minor digits', () => {
    expect(formatReportCell(money, 1_234_565_000, 'USD')).toBe('$1,234.57');
    expect(formatReportCell(money, 1_234_565_000, 'EUR')).toBe('€1,234.57');
    expect(formatReportCell(money, 1_234_565_000, 'JPY')).toBe('¥1,235');
    // Beyond 2^53 micros a float would lose cents; the formatter works on the decimal string.
    expect(formatReportCell(money, '9007199254740993001', 'USD')).toBe('$9,007,199,254,740.99');
  });

  it('formats counts with grouping, ratios as percentages, ROAS as a multiple, and undefined values as a dash', () => {
    expect(formatReportCell({ name: 'impressions', type: 'count' }, 1234567, 'USD')).toBe('1,234,567');
    expect(formatReportCell({ name: 'ctr', type: 'ratio' }, 0.3333333333, 'USD')).toBe('33.33%');
    expect(formatReportCell({ name: 'roas', type: 'ratio' }, 3.5, 'USD')).toBe('3.50×');
    expect(formatReportCell({ name: 'frequency', type: 'ratio' }, 1.25, 'USD')).toBe('1.25');
    expect(formatReportCell({ name: 'cpc', type: 'money_micros' }, null, 'USD')).toBe('—');
  });

  it('labels accounts by name and values a segment did not record', () => {
    const names = new Map([['7', 'Clay US']]);
    expect(dimensionText('ad_account_id', '7', names)).toBe('Clay US');
    expect(dimensionText('ad_account_id', '8', names)).toBe('8');
    expect(dimensionText('gender', '', names)).toBe('(not recorded)');
  });
});

describe('totals rows', () => {
  it('makes one pinned row per currency, labelled with the accounts it covers, keeping the API’s summed figures', () => {
    const rows = totalsRows(
      {
        columns: [
          { name: 'date', role: 'dimension', type: 'date' },
          { name: 'currency', role: 'dimension', type: 'string' },
          { name: 'spend', role: 'metric', type: 'money_micros' },
        ],
        totals: [
          { currency: 'EUR', ad_account_ids: ['8'], metrics: { spend: 2_000_000 } },
          { currency: 'USD', ad_account_ids: ['7', '9'], metrics: { spend: 5_500_000 } },
        ],
      },
      new Map([
        ['7', 'Clay US'],
        ['8', 'Clay EU'],
        ['9', 'Clay CA'],
      ]),
    );
    expect(rows).toEqual([
      { currency: 'EUR', spend: 2_000_000, date: 'Total EUR (Clay EU)', __totals: 'Total EUR' },
      { currency: 'USD', spend: 5_500_000, date: 'Total USD (Clay US, Clay CA)', __totals: 'Total USD' },
    ]);
    expect(rows.map((r) => formatReportCell(money, r.spend, String(r.currency)))).toEqual(['€2.00', '$5.50']);
  });
});
