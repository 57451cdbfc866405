import { type MetricDefinition, type MetricValue, fractionToDecimal, MICROS_SCALE, RATIO_SCALE } from '@loupe/metrics';
import { type CsvColumn } from './csv-export';

/**
 * A CSV column for a metric of @loupe/metrics, so exports write exactly the figures
 * the API serves: counts as integers, money as exact micros decimals, ratios as exact
 * decimals with RATIO_SCALE places (the same rounding as the JSON numbers).
 */
export function metricCsvColumn(key: string, header: string, definition: MetricDefinition): CsvColumn {
  return { key, header, type: definition.kind === 'count' ? 'integer' : definition.kind === 'money_micros' ? 'money_micros' : 'decimal' };
}

/** The row value to put under `metricCsvColumn(…, definition)` for a computed metric value. */
export function metricCsvValue(definition: MetricDefinition, value: MetricValue): bigint | string | null {
  if (value === null || typeof value === 'bigint') return value;
  return fractionToDecimal(value, definition.kind === 'money_units' ? MICROS_SCALE : RATIO_SCALE);
}
