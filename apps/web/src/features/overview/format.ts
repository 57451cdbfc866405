import { type Fraction, formatPercent, formatRatio } from '@loupe/metrics';
import { formatMoney } from '../../lib/money';
import { type Kpi, type KpiKind, type KpiValue } from './kpis';

/** A KPI value for people: money in the account's currency, exact ratios rounded once, "—" when undefined. */
export function formatKpiValue(kind: KpiKind, value: KpiValue, currency: string): string {
  if (value === null) return '—';
  if (typeof value === 'bigint') return kind === 'money' ? formatMoney(value, currency) : new Intl.NumberFormat('en-US').format(value);
  if (kind === 'multiple') return `${formatRatio(value, 'en-US', 2)}×`;
  return formatPercent(value, 'en-US', 2);
}

/** A change as "+12.5%" / "−3.0%" / "0.0%". */
export function formatChange(change: Fraction | null): string {
  if (change === null) return '—';
  const text = formatPercent(change, 'en-US', 1);
  if (change.num > 0n) return `+${text}`;
  return text.replace('-', '−');
}

export type ChangeTone = 'good' | 'bad' | 'flat' | 'none';

/** Whether the change is good news for this KPI (a falling CPA is). */
export function changeTone(kpi: Pick<Kpi, 'change' | 'higherIsBetter'>): ChangeTone {
  if (kpi.change === null) return 'none';
  if (kpi.change.num === 0n) return 'flat';
  return kpi.change.num > 0n === kpi.higherIsBetter ? 'good' : 'bad';
}
