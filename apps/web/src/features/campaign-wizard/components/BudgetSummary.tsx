import { formatMoney, parseMoney, worstCaseSpend } from '../../../lib/money';
import { type Draft, scheduleDays } from '../draft';

/** The most the chosen budget can spend per day and per month, before anything is launched. */
export function BudgetSummary({ draft, currency }: { draft: Draft; currency: string }) {
  const budget = parseMoney(draft.budget, currency);
  if (!budget.ok || budget.micros === 0) return null;
  const worst = worstCaseSpend(budget.micros, draft.budgetType, scheduleDays(draft));
  return (
    <div role="group" aria-label="Worst-case spend" className="spend-summary">
      <dl className="spend-summary__figures">
      <div>
        <dt>At most per day</dt>
        <dd>{formatMoney(worst.perDayMicros, currency)}</dd>
      </div>
      <div>
        <dt>At most per month</dt>
        <dd>{formatMoney(worst.perMonthMicros, currency)}</dd>
      </div>
      {worst.evenPerDayMicros !== null && (
        <div>
          <dt>Spread evenly</dt>
          <dd>{`${formatMoney(worst.evenPerDayMicros, currency)} per day`}</dd>
        </div>
      )}
      </dl>
      <p className="muted spend-summary__note">
        {draft.budgetType === 'DAILY'
          ? 'A daily budget is never exceeded in a day of this account; a month has at most 31 such days.'
          : 'A lifetime budget is the total for the whole schedule; standard pacing spreads it evenly, accelerated may spend it sooner.'}
      </p>
    </div>
  );
}
