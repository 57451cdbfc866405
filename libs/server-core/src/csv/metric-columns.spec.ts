import { LOUPE_METRICS, type MetricDefinition, PINTEREST_COLUMNS, measures, metricToDecimal } from '@loupe/metrics';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createCsvExport } from './csv-export';
import { metricCsvColumn, metricCsvValue } from './metric-columns';

const slice = measures({
  impressions: 1000,
  clicks: 3,
  spendMicros: 12_500_001,
  conversions: { checkout: 3 },
  conversionValueMicros: { checkout: 90_000_000 },
});

describe('metric columns in CSV', () => {
  it('writes every Loupe metric and Pinterest column as the same exact decimal the metrics library renders', async () => {
    const definitions: [string, MetricDefinition][] = [...Object.entries(LOUPE_METRICS), ...Object.entries(PINTEREST_COLUMNS)];
    const columns = definitions.map(([name, definition]) => metricCsvColumn(name, name, definition));
    const row = Object.fromEntries(definitions.map(([name, definition]) => [name, metricCsvValue(definition, definition.compute(slice))]));
    const chunks: Buffer[] = [];
    const meta = { title: 't', account: 'a', period: 'p', timezone: 'UTC', currency: 'USD', attributionWindows: 'w', generatedAt: new Date(0) };
    for await (const chunk of createCsvExport([row], { columns, meta })) chunks.push(chunk as Buffer);
    const [header, values] = parse(Buffer.concat(chunks), { comment: '#' }) as string[][];
    const written = Object.fromEntries(header!.map((name, i) => [name, values![i]]));
    for (const [name, definition] of definitions) {
      expect({ name, value: written[name] }).toEqual({ name, value: metricToDecimal(definition, definition.compute(slice)) ?? '' });
    }
    expect(written.cpc).toBe('4.166667'); // 12.500001 / 3 = 4.166667
    expect(written.ctr).toBe('0.0030000000');
    expect(written.unique_users).toBe('');
  });
});
