import { changeTone, formatChange, formatKpiValue } from '../format';
import { type Kpi } from '../kpis';

const TONE_CLASS = { good: 'kpi__change--good', bad: 'kpi__change--bad', flat: 'kpi__change--flat', none: 'kpi__change--flat' } as const;
const TONE_WORD = { good: 'better', bad: 'worse', flat: 'unchanged', none: '' } as const;

export function KpiCards({ kpis, currency, comparedWith }: { kpis: Kpi[]; currency: string; comparedWith: string | null }) {
  return (
    <ul className="kpi-grid" aria-label="Key figures">
      {kpis.map((kpi) => {
        const tone = changeTone(kpi);
        return (
          <li key={kpi.id} className="kpi" data-kpi={kpi.id}>
            <span className="kpi__label" title={kpi.hint}>
              {kpi.label}
            </span>
            <span className="kpi__value">{formatKpiValue(kpi.kind, kpi.current, currency)}</span>
            <span className={`kpi__change ${TONE_CLASS[tone]}`}>
              {comparedWith === null
                ? 'No comparison'
                : kpi.change === null
                  ? `— vs ${formatKpiValue(kpi.kind, kpi.previous, currency)} ${comparedWith}`
                  : `${formatChange(kpi.change)} vs ${comparedWith}`}
              {TONE_WORD[tone] && <span className="visually-hidden">{` (${TONE_WORD[tone]})`}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
