import { type DeliveryDiagnostics } from '@loupe/contracts';
import { Link } from 'react-router';
import { EmptyState } from '../../../components/States';
import { formatMoney } from '../../../lib/money';
import { formatRatio } from '../../../lib/format';
import { LOSS_REASON_TEXT, summarize } from '../diagnostics';

const count = (n: number) => new Intl.NumberFormat('en-US').format(n);

export function DeliveryDiagnosticsView({ diagnostics, editLink }: { diagnostics: DeliveryDiagnostics; editLink: string | null }) {
  const s = summarize(diagnostics);
  const { currency } = diagnostics;
  const unit = diagnostics.billable_event === 'IMPRESSION' ? 'per 1,000 impressions' : 'per click';
  return (
    <>
      <section aria-labelledby="suggestion-title" className="callout callout--ok">
        <h2 id="suggestion-title" className="callout__title">
          What to do
        </h2>
        <p>{diagnostics.suggestion}</p>
        {editLink && (
          <p>
            <Link to={editLink}>Change the bid or budget in the ad group list</Link>
          </p>
        )}
      </section>
      {s.entered === 0 ? (
        <EmptyState title="This ad group entered no auctions in this period">
          <p>Auctions won, losses by reason and the bid to win appear here once it enters auctions. Follow the suggestion above, or pick a longer period.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="kpi-grid" aria-label="Auctions">
            <li className="kpi">
              <span className="kpi__label">Auctions entered</span>
              <span className="kpi__value">{count(s.entered)}</span>
            </li>
            <li className="kpi">
              <span className="kpi__label">Won</span>
              <span className="kpi__value">{count(s.won)}</span>
              <span className="kpi__change">{`${formatRatio(s.won, s.entered)} win rate`}</span>
            </li>
            <li className="kpi">
              <span className="kpi__label">Lost</span>
              <span className="kpi__value">{count(s.lost)}</span>
            </li>
          </ul>
          <section aria-labelledby="losses-title" className="panel overview-section">
            <h2 id="losses-title">Why auctions were lost</h2>
            {s.reasons.length === 0 ? (
              <p>No auction was lost in this period.</p>
            ) : (
              <ol className="funnel">
                {s.reasons.map(({ reason, count: n }) => (
                  <li key={reason} className="funnel__step" data-reason={reason}>
                    <span className="funnel__label">{LOSS_REASON_TEXT[reason].label}</span>
                    <span className="funnel__bar" aria-hidden="true">
                      <span style={{ width: `${Math.max(1, (n / s.lost) * 100)}%` }} />
                    </span>
                    <span className="funnel__value">
                      {`${count(n)} · ${formatRatio(n, s.lost)}`}
                      <span className="muted">{` — ${LOSS_REASON_TEXT[reason].explain}`}</span>
                    </span>
                  </li>
                ))}
              </ol>
            )}
            {diagnostics.targeting_sample_rate > 1 && (
              <p className="muted">{`Targeting losses are counted on 1 auction in ${diagnostics.targeting_sample_rate} and scaled up.`}</p>
            )}
            {s.sampled && <p className="muted">At busy times losses are counted on a sample of auctions and scaled up, so these counts are estimates.</p>}
          </section>
          <section aria-labelledby="bid-title" className="panel overview-section">
            <h2 id="bid-title">Minimum bid to win</h2>
            <p>
              {`Your bid: ${diagnostics.current_bid_in_micro_currency === null ? 'automatic' : `${formatMoney(diagnostics.current_bid_in_micro_currency, currency)} ${unit}`}.`}
            </p>
            {s.latestBid && s.latestBid.median !== null ? (
              <p>
                {`On ${s.latestBid.date}, a bid of ${formatMoney(s.latestBid.median, currency)} ${unit} would have won half of the auctions lost to other advertisers or to the floor`}
                {s.latestBid.p75 !== null && `, and ${formatMoney(s.latestBid.p75, currency)} three in four`}.
              </p>
            ) : (
              <p>No auction was lost to another advertiser or to the floor, so there is no higher bid to suggest.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
