import { type AdAccount, type FinancePeriod, type Member } from '@loupe/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ErrorState, Skeleton } from '../../../components/States';
import { getSession } from '../../../lib/session';
import { fetchMembers, membersQueryKey } from '../../settings/api/settings';
import { closePeriod, fetchPeriods, financeKey } from '../api';
import { instantLabel, localDateLabel, periodLabel } from '../periods';
import { CloseMonthDialog } from './CloseMonthDialog';

/** Who closed a month, in words: "you", the member's email, or the user id of someone no longer a member. */
export function closedByLabel(userId: string | null, members: readonly Member[] | undefined, me: string | undefined): string {
  if (userId === null) return 'someone';
  if (userId === me) return 'you';
  return members?.find((m) => m.user_id === userId)?.email ?? `user ${userId}`;
}

/** The account's months, newest first: open or closed (by whom, when, with the note), and "Close" for ended open months. */
export function PeriodsSection({ account, canClose }: { account: AdAccount; canClose: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const periods = useQuery({ queryKey: [...financeKey(account.id), 'periods'], queryFn: ({ signal }) => fetchPeriods(account.id, signal) });
  const members = useQuery({ queryKey: membersQueryKey(account.id), queryFn: ({ signal }) => fetchMembers(account.id, signal) });
  const [closing, setClosing] = useState<FinancePeriod | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const me = getSession()?.userId;

  return (
    <section aria-labelledby={`${id}-title`} className="finance-section">
      <h2 id={`${id}-title`}>Months</h2>
      <p className="muted">
        A month can be closed once it has ended in {account.timezone}. Closing freezes its figures and issues its invoice.
      </p>
      {notice && (
        <div role="status" className="callout callout--ok">
          <p>{notice}</p>
        </div>
      )}
      {periods.error ? (
        <ErrorState title="Could not load the months" error={periods.error} onRetry={() => void periods.refetch()} />
      ) : periods.data === undefined ? (
        <Skeleton label="Loading the months…" lines={4} />
      ) : (
        <div className="table-scroll">
          <table className="table finance-table" aria-label="Months">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Status</th>
                <th scope="col">Closed</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {periods.data.items.map((p) => (
                <tr key={p.period}>
                  <th scope="row">
                    {periodLabel(p.period)}
                    <span className="finance-table__dates">
                      {localDateLabel(p.start_date)} – {localDateLabel(p.end_date)}
                    </span>
                  </th>
                  <td>
                    <span className={p.status === 'CLOSED' ? 'badge badge--neutral' : 'badge'}>
                      {p.status === 'CLOSED' ? 'Closed' : p.ended ? 'Open · ended' : 'Open · in progress'}
                    </span>
                  </td>
                  <td>
                    {p.status === 'CLOSED' ? (
                      <>
                        Closed by {closedByLabel(p.closed_by, members.data, me)} on {instantLabel(p.closed_at, account.timezone)}
                        {p.note && <span className="finance-table__dates">Note: {p.note}</span>}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {canClose && p.status === 'OPEN' && p.ended && (
                      <button type="button" className="button button--small" onClick={() => setClosing(p)}>
                        Close {periodLabel(p.period)}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {closing && (
        <CloseMonthDialog
          period={closing}
          onCancel={() => setClosing(null)}
          onConfirm={async (note) => {
            const closed = await closePeriod(account.id, closing.period, note);
            setClosing(null);
            setNotice(`${periodLabel(closed.period)} is closed; its invoice is issued.`);
            await queryClient.invalidateQueries({ queryKey: financeKey(account.id) });
          }}
        />
      )}
    </section>
  );
}
