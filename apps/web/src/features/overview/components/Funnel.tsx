import { formatPercent, fraction } from '@loupe/metrics';
import { type Totals } from '../kpis';

const STEPS = [
  { column: 'IMPRESSION_1', label: 'Impressions' },
  { column: 'REPIN_1', label: 'Saves' },
  { column: 'CLICKTHROUGH_1', label: 'Pin clicks' },
  { column: 'OUTBOUND_CLICK_1', label: 'Outbound clicks' },
  { column: 'TOTAL_CONVERSIONS', label: 'Conversions' },
] as const;

/**
 * Impressions → saves → clicks → outbound clicks → conversions, each as a share of
 * impressions (the steps are not subsets of one another: a click need not follow a save). Close-ups have no analytics column of their own (they count in
 * TOTAL_ENGAGEMENT), so saves stand for the "considered it" step.
 */
export function Funnel({ totals }: { totals: Totals }) {
  const top = totals.IMPRESSION_1;
  if (top === 0n) return <p className="muted">The funnel starts with the first impression in the range.</p>;
  return (
    <ol className="funnel" aria-label="Engagement funnel">
      {STEPS.map((step, i) => {
        const value = totals[step.column];
        // Bar width is presentation only; the figures beside it are exact.
        const width = top === 0n ? 0 : Math.max(1, Number((value * 1000n) / top) / 10);
        return (
          <li key={step.column} className="funnel__step">
            <span className="funnel__label">{step.label}</span>
            <span className="funnel__bar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, width)}%` }} />
            </span>
            <span className="funnel__value">
              {new Intl.NumberFormat('en-US').format(value)}
              {i > 0 && <span className="muted">{` · ${formatPercent(fraction(value, top), 'en-US', 2)} of impressions`}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
