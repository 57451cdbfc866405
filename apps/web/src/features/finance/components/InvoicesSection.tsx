import { type AdAccount, type BillingInvoice, type BillingInvoiceDetail } from '@loupe/contracts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Fragment, useId, useState } from 'react';
import { EmptyState, ErrorState, Skeleton } from '../../../components/States';
import { fetchInvoice, fetchInvoices, financeKey, invoicePath } from '../api';
import { count, instantLabel, money, periodLabel } from '../periods';
import { DownloadButton } from './DownloadButton';
import { NumHeader } from './NumHeader';

function InvoiceLines({ account, invoice }: { account: AdAccount; invoice: BillingInvoice }) {
  const detail = useQuery({
    queryKey: [...financeKey(account.id), 'invoice', invoice.id],
    queryFn: ({ signal }) => fetchInvoice(account.id, invoice.id, signal),
  });
  if (detail.error) return <ErrorState title="Could not load the invoice lines" error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Skeleton label="Loading the invoice lines…" lines={2} />;
  if (detail.data.lines.length === 0) return <p className="muted">No lines: nothing was billed in {periodLabel(invoice.billing_period)}.</p>;
  return (
    <table className="table finance-table" aria-label={`Lines of ${invoice.invoice_number}`}>
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Campaign</th>
          <NumHeader>Billed impressions</NumHeader>
          <NumHeader>Billed clicks</NumHeader>
          <NumHeader>Spend</NumHeader>
        </tr>
      </thead>
      <tbody>
        {detail.data.lines.map((line, i) => (
          <tr key={i}>
            <td>
              {line.line_type === 'SPEND' ? 'Spend' : `Restatement of ${periodLabel(line.restated_period ?? '')}, ${instantLabel(line.detected_at, invoice.timezone)}`}
            </td>
            <td>{line.campaign_name ?? `Campaign ${line.campaign_id}`}</td>
            <td className="num">{count(line.billed_impressions)}</td>
            <td className="num">{count(line.billed_clicks)}</td>
            <td className="num">{money(line.spend_in_micro_currency, invoice.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One invoice a month, newest first, with its lines on demand and its CSV. */
export function InvoicesSection({ account }: { account: AdAccount }) {
  const id = useId();
  const invoices = useQuery({ queryKey: [...financeKey(account.id), 'invoices'], queryFn: ({ signal }) => fetchInvoices(account.id, signal) });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby={`${id}-title`} className="finance-section">
      <h2 id={`${id}-title`}>Invoices</h2>
      {invoices.error ? (
        <ErrorState title="Could not load the invoices" error={invoices.error} onRetry={() => void invoices.refetch()} />
      ) : invoices.data === undefined ? (
        <Skeleton label="Loading the invoices…" lines={3} />
      ) : invoices.data.items.length === 0 ? (
        <EmptyState title="No invoices yet">
          <p>An invoice appears for every month with billed delivery. Launch a campaign to start; this month’s invoice stays open until you close the month.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table finance-table" aria-label="Invoices">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Period</th>
                <th scope="col">Status</th>
                <NumHeader>Spend</NumHeader>
                <NumHeader>Restatements</NumHeader>
                <NumHeader>Amount billed</NumHeader>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invoices.data.items.map((inv) => (
                <Fragment key={inv.id}>
                  <tr>
                    <th scope="row">{inv.invoice_number}</th>
                    <td>{periodLabel(inv.billing_period)}</td>
                    <td>
                      {inv.status === 'ISSUED' ? `Issued ${instantLabel(inv.issued_at, inv.timezone)}` : 'Open (figures may still change)'}
                    </td>
                    <td className="num">{money(inv.spend_in_micro_currency, inv.currency)}</td>
                    <td className="num">{inv.restatement_micro_currency === 0 ? '—' : money(inv.restatement_micro_currency, inv.currency)}</td>
                    <td className="num">{money(inv.amount_billed_micro_currency, inv.currency)}</td>
                    <td className="finance-actions">
                      <button
                        type="button"
                        className="button button--small"
                        aria-expanded={open === inv.id}
                        aria-label={`${open === inv.id ? 'Hide' : 'Show'} lines of ${inv.invoice_number}`}
                        onClick={() => setOpen(open === inv.id ? null : inv.id)}
                      >
                        {open === inv.id ? 'Hide lines' : 'Lines'}
                      </button>
                      <DownloadButton
                        path={invoicePath(account.id, inv.id, 'csv')}
                        fallbackName={`${inv.invoice_number}.csv`}
                        label={`CSV of ${inv.invoice_number}`}
                      />
                    </td>
                  </tr>
                  {open === inv.id && (
                    <tr>
                      <td colSpan={7}>
                        <InvoiceLines account={account} invoice={inv} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type RestatementRow = BillingInvoiceDetail['lines'][number] & { booked: string; currency: string; timezone: string };

/** Every restatement line booked into the listed invoices: late events for a closed month, dated when detected. */
export function RestatementsSection({ account }: { account: AdAccount }) {
  const id = useId();
  const invoices = useQuery({ queryKey: [...financeKey(account.id), 'invoices'], queryFn: ({ signal }) => fetchInvoices(account.id, signal) });
  const withRestatements = (invoices.data?.items ?? []).filter((i) => i.restatement_micro_currency !== 0);
  const details = useQueries({
    queries: withRestatements.map((inv) => ({
      queryKey: [...financeKey(account.id), 'invoice', inv.id],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchInvoice(account.id, inv.id, signal),
    })),
  });
  const failed = invoices.error ?? details.find((d) => d.error)?.error;
  const loading = invoices.data === undefined || details.some((d) => d.data === undefined);
  const rows: RestatementRow[] = details.flatMap((d) =>
    (d.data?.lines ?? [])
      .filter((l) => l.line_type === 'RESTATEMENT')
      .map((l) => ({ ...l, booked: d.data!.billing_period, currency: d.data!.currency, timezone: d.data!.timezone })),
  );
  return (
    <section aria-labelledby={`${id}-title`} className="finance-section">
      <h2 id={`${id}-title`}>Restatements</h2>
      {failed ? (
        <ErrorState title="Could not load the restatements" error={failed} onRetry={() => void invoices.refetch()} />
      ) : loading ? (
        <Skeleton label="Loading the restatements…" lines={2} />
      ) : rows.length === 0 ? (
        <EmptyState title="No restatements">
          <p>
            When events for a closed month arrive late, the difference is booked here as a dated line in the next open month; the closed month
            keeps what was billed. Nothing to do until then.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table finance-table" aria-label="Restatements">
            <thead>
              <tr>
                <th scope="col">Detected</th>
                <th scope="col">Restated month</th>
                <th scope="col">Booked in</th>
                <th scope="col">Campaign</th>
                <NumHeader>Billed impressions</NumHeader>
                <NumHeader>Spend</NumHeader>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{instantLabel(r.detected_at, r.timezone)}</td>
                  <td>{periodLabel(r.restated_period ?? '')}</td>
                  <td>{periodLabel(r.booked)}</td>
                  <td>{r.campaign_name ?? `Campaign ${r.campaign_id}`}</td>
                  <td className="num">{count(r.billed_impressions)}</td>
                  <td className="num">{money(r.spend_in_micro_currency, r.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
