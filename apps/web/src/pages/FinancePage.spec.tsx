import { type AccountFinanceSpend, type BillingInvoice, type BillingInvoiceDetail, type FinancePeriod } from '@loupe/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adAccount, fail, ok, stubApi, type StubCall } from '../test/apiStub';
import { jsonResponse, renderApp, renderAppWithRouter, signInForTest } from '../test/render';

const NOW = new Date('2026-11-27T15:00:00Z');
const TZ = 'Asia/Tokyo';
const ME = '1';

const zero = {
  billed_impressions: 0,
  billed_clicks: 0,
  spend_in_micro_currency: 0,
  restatement_billed_impressions: 0,
  restatement_billed_clicks: 0,
  restatement_spend_in_micro_currency: 0,
  total_spend_in_micro_currency: 0,
};

function spend(granularity: 'MONTH' | 'QUARTER'): AccountFinanceSpend {
  const periods =
    granularity === 'MONTH'
      ? [
          { ...zero, period: '2026-10', start_date: '2026-10-01', end_date: '2026-10-31', status: 'CLOSED' as const, billed_impressions: 1200, billed_clicks: 3, spend_in_micro_currency: 1_234_500_000, total_spend_in_micro_currency: 1_234_500_000 },
          {
            ...zero,
            period: '2026-11',
            start_date: '2026-11-01',
            end_date: '2026-11-30',
            status: 'OPEN' as const,
            billed_impressions: 800,
            spend_in_micro_currency: 500_000_000,
            restatement_billed_impressions: 1,
            restatement_spend_in_micro_currency: 100_000_000,
            total_spend_in_micro_currency: 600_000_000,
          },
        ]
      : [
          {
            ...zero,
            period: '2026-Q4',
            start_date: '2026-10-01',
            end_date: '2026-12-31',
            status: 'OPEN' as const,
            billed_impressions: 2000,
            billed_clicks: 3,
            spend_in_micro_currency: 1_734_500_000,
            restatement_billed_impressions: 1,
            restatement_spend_in_micro_currency: 100_000_000,
            total_spend_in_micro_currency: 1_834_500_000,
          },
        ];
  const totals = { ...zero };
  for (const p of periods) for (const k of Object.keys(zero) as (keyof typeof zero)[]) totals[k] += p[k];
  return { ad_account_id: '100', currency: 'JPY', timezone: TZ, granularity, periods, totals };
}

function period(month: string, overrides: Partial<FinancePeriod> = {}): FinancePeriod {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return {
    ad_account_id: '100',
    period: month,
    start_date: `${month}-01`,
    end_date: `${month}-${last}`,
    currency: 'JPY',
    timezone: TZ,
    status: 'OPEN',
    closed_at: null,
    closed_by: null,
    note: null,
    ended: true,
    ...overrides,
  };
}

const invoice = (month: string, overrides: Partial<BillingInvoice> = {}): BillingInvoice => ({
  id: `100${month.replace('-', '')}`,
  invoice_number: `LOUPE-100-${month.replace('-', '')}`,
  ad_account_id: '100',
  ad_account_name: 'Clay & Co',
  document_type: 'INVOICE',
  billing_period: month,
  billing_period_start_date: `${month}-01`,
  billing_period_end_date: `${month}-30`,
  currency: 'JPY',
  timezone: TZ,
  status: 'OPEN',
  issued_at: null,
  amount_billed_micro_currency: 0,
  spend_in_micro_currency: 0,
  restatement_micro_currency: 0,
  billed_impressions: 0,
  billed_clicks: 0,
  ...overrides,
});

const november = invoice('2026-11', { amount_billed_micro_currency: 600_000_000, spend_in_micro_currency: 500_000_000, restatement_micro_currency: 100_000_000 });
const october = invoice('2026-10', {
  status: 'ISSUED',
  issued_at: '2026-11-02T01:00:00Z',
  amount_billed_micro_currency: 1_234_500_000,
  spend_in_micro_currency: 1_234_500_000,
});
const novemberDetail: BillingInvoiceDetail = {
  ...november,
  lines: [
    { line_type: 'SPEND', campaign_id: '501', campaign_name: 'Spring mugs', restated_period: null, detected_at: null, billed_impressions: 800, billed_clicks: 0, spend_in_micro_currency: 500_000_000, conversion_value_in_micro_currency: 0 },
    {
      line_type: 'RESTATEMENT',
      campaign_id: '501',
      campaign_name: 'Spring mugs',
      restated_period: '2026-10',
      detected_at: '2026-11-10T15:30:00Z',
      billed_impressions: 1,
      billed_clicks: 0,
      spend_in_micro_currency: 100_000_000,
      conversion_value_in_micro_currency: 0,
    },
  ],
};

function stub(role: 'ADMIN' | 'FINANCE_MANAGER' | 'ANALYST' = 'FINANCE_MANAGER', extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount({ currency: 'JPY', timezone: TZ, role })], bookmark: null }),
    'GET /v5/ad_accounts/100/finance/spend': (call: StubCall) => jsonResponse(spend(call.query.get('granularity') as 'MONTH' | 'QUARTER')),
    'GET /v5/ad_accounts/100/finance/periods': ok({ items: [period('2026-11', { ended: false }), period('2026-10')] }),
    'GET /v5/ad_accounts/100/billing_invoices': ok({ items: [november, october], bookmark: null }),
    'GET /v5/ad_accounts/100/billing_invoices/100202611': ok(novemberDetail),
    'GET /v5/ad_accounts/100/members': ok({
      items: [
        { user_id: ME, email: 'fin@example.com', username: null, role: 'FINANCE_MANAGER', status: 'ACTIVE', created_time: 1 },
        { user_id: '2', email: 'owner@example.com', username: null, role: 'ADMIN', status: 'ACTIVE', created_time: 1 },
      ],
      bookmark: null,
    }),
    ...extra,
  });
}

describe('finance screen', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    signInForTest('test-token', ME);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is a finance manager’s landing tab, offered in the nav instead of campaigns', async () => {
    stub();
    const { router } = renderAppWithRouter('/accounts/100');
    expect(await screen.findByRole('heading', { level: 1, name: 'Finance' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/100/finance');
    const nav = screen.getByRole('navigation', { name: 'Account sections' });
    expect(within(nav).getByRole('link', { name: 'Finance' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Campaigns' })).not.toBeInTheDocument();
  });

  it('never shows finance to an analyst, and asks the API for nothing of it', async () => {
    const api = stub('ANALYST');
    renderApp('/accounts/100/finance');
    expect(await screen.findByText(/does not include finance/)).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Account sections' })).queryByRole('link', { name: 'Finance' })).not.toBeInTheDocument();
    expect(api.calls.filter((c) => c.path.includes('finance') || c.path.includes('billing_invoices'))).toEqual([]);
  });

  it('shows billed spend per month in the account currency with restatements and totals, and per quarter on request', async () => {
    const api = stub();
    renderApp('/accounts/100/finance');
    const table = await screen.findByRole('table', { name: 'Billed spend by month, 2026' });
    expect(within(table).getByRole('row', { name: /October 2026 Oct 1, 2026 – Oct 31, 2026 Closed 1,200 3 ¥1,235 — ¥1,235/ })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: /November 2026 .* Open 800 0 ¥500 ¥100 ¥600/ })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: /Total 2026 2,000 3 ¥1,735 ¥100 ¥1,835/ })).toBeInTheDocument();
    // This year runs to the current month in Tokyo.
    expect(api.callsTo('GET /v5/ad_accounts/100/finance/spend').map((c) => c.query.toString())).toEqual(['granularity=MONTH&start=2026-01&end=2026-11']);

    fireEvent.click(screen.getByRole('radio', { name: 'By quarter' }));
    const quarters = await screen.findByRole('table', { name: 'Billed spend by quarter, 2026' });
    expect(within(quarters).getByRole('row', { name: /Q4 2026 Oct 1, 2026 – Dec 31, 2026 Open 2,000 3 ¥1,735 ¥100 ¥1,835/ })).toBeInTheDocument();
  });

  it('says what to do when a year has no billed spend', async () => {
    stub('FINANCE_MANAGER', {
      'GET /v5/ad_accounts/100/finance/spend': ok({ ...spend('MONTH'), periods: spend('MONTH').periods.map((p) => ({ ...p, ...zero })), totals: zero }),
    });
    renderApp('/accounts/100/finance');
    expect(await screen.findByRole('heading', { name: 'No billed spend in 2026' })).toBeInTheDocument();
    expect(screen.getByText(/ask a campaign manager to launch a campaign/)).toBeInTheDocument();
  });

  it('shows the API’s message when billed spend cannot be read', async () => {
    stub('FINANCE_MANAGER', { 'GET /v5/ad_accounts/100/finance/spend': fail(403, 29, 'Your role on this ad account does not allow finance:read.') });
    renderApp('/accounts/100/finance');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load billed spend');
    expect(alert).toHaveTextContent('Your role on this ad account does not allow finance:read.');
  });

  it('closes a month after confirmation, validating the note with the contract, and shows who closed it and when, in the account timezone', async () => {
    const closed = period('2026-10', { status: 'CLOSED', closed_at: '2026-11-27T15:00:00Z', closed_by: ME, note: 'October books' });
    const api = stub('FINANCE_MANAGER', {
      'POST /v5/ad_accounts/100/finance/periods/2026-10/close': ok(closed),
      'GET /v5/ad_accounts/100/finance/periods': [
        ok({ items: [period('2026-11', { ended: false }), period('2026-10')] }),
        ok({ items: [period('2026-11', { ended: false }), closed] }),
      ],
    });
    renderApp('/accounts/100/finance');
    const months = await screen.findByRole('table', { name: 'Months' });
    // November has not ended in Tokyo: it cannot be closed yet.
    expect(within(months).queryByRole('button', { name: 'Close November 2026' })).not.toBeInTheDocument();

    const open = within(months).getByRole('button', { name: 'Close October 2026' });
    open.focus();
    fireEvent.click(open);
    let dialog = screen.getByRole('dialog', { name: 'Close October 2026?' });
    expect(dialog).toHaveTextContent('Oct 1, 2026 to Oct 31, 2026 (Asia/Tokyo)');
    expect(within(dialog).getByLabelText('Note (optional)')).toHaveFocus();
    // Tab stays inside the modal: from Cancel, the last control, back to the note.
    within(dialog).getByRole('button', { name: 'Cancel' }).focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(within(dialog).getByLabelText('Note (optional)')).toHaveFocus();
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(open).toHaveFocus();
    expect(api.callsTo('POST /v5/ad_accounts/100/finance/periods/2026-10/close')).toEqual([]);

    fireEvent.click(open);
    dialog = screen.getByRole('dialog', { name: 'Close October 2026?' });
    const note = within(dialog).getByLabelText('Note (optional)');
    fireEvent.change(note, { target: { value: 'x'.repeat(501) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close October 2026' }));
    expect(await within(dialog).findByText("Field 'note' takes at most 500 characters")).toBeInTheDocument();
    expect(note).toHaveAttribute('aria-invalid', 'true');
    expect(api.callsTo('POST /v5/ad_accounts/100/finance/periods/2026-10/close')).toEqual([]);

    fireEvent.change(note, { target: { value: ' October books ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close October 2026' }));
    expect(await screen.findByText('October 2026 is closed; its invoice is issued.')).toBeInTheDocument();
    expect(api.callsTo('POST /v5/ad_accounts/100/finance/periods/2026-10/close').map((c) => c.body)).toEqual([{ note: 'October books' }]);
    // 15:00 UTC is midnight in Tokyo.
    expect(await within(screen.getByRole('table', { name: 'Months' })).findByText(/Closed by you on Nov 28, 2026, 12:00 AM GMT\+9/)).toBeInTheDocument();
    expect(screen.getByText('Note: October books')).toBeInTheDocument();
  });

  it('shows the API’s refusal inside the dialog and names who else closed a month', async () => {
    stub('ADMIN', {
      'GET /v5/ad_accounts/100/finance/periods': ok({
        items: [period('2026-10'), period('2026-09', { status: 'CLOSED', closed_by: '2', closed_at: '2026-10-01T03:00:00Z' })],
      }),
      'POST /v5/ad_accounts/100/finance/periods/2026-10/close': fail(409, 9, 'October 2026 can be closed from 2026-11-01 00:00 Asia/Tokyo.'),
    });
    renderApp('/accounts/100/finance');
    const months = await screen.findByRole('table', { name: 'Months' });
    expect(await within(months).findByText(/Closed by owner@example.com on Oct 1, 2026, 12:00 PM GMT\+9/)).toBeInTheDocument();
    fireEvent.click(within(months).getByRole('button', { name: 'Close October 2026' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close October 2026' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('October 2026 can be closed from 2026-11-01 00:00 Asia/Tokyo.');
  });

  it('lists invoices with their lines and the dated restatements booked into them', async () => {
    stub();
    renderApp('/accounts/100/finance');
    const invoices = await screen.findByRole('table', { name: 'Invoices' });
    expect(within(invoices).getByRole('row', { name: /LOUPE-100-202610 October 2026 Issued Nov 2, 2026, 10:00 AM GMT\+9 ¥1,235 — ¥1,235/ })).toBeInTheDocument();
    fireEvent.click(within(invoices).getByRole('button', { name: 'Show lines of LOUPE-100-202611' }));
    const lines = await screen.findByRole('table', { name: 'Lines of LOUPE-100-202611' });
    expect(within(lines).getByRole('row', { name: /Restatement of October 2026, Nov 11, 2026, 12:30 AM GMT\+9 Spring mugs 1 0 ¥100/ })).toBeInTheDocument();

    const restatements = await screen.findByRole('table', { name: 'Restatements' });
    expect(within(restatements).getByRole('row', { name: 'Nov 11, 2026, 12:30 AM GMT+9 October 2026 November 2026 Spring mugs 1 ¥100' })).toBeInTheDocument();
  });

  it('downloads the quarterly CSV the API renders, with the session token, under the API’s file name', async () => {
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:csv'), revokeObjectURL: () => undefined }));
    const csv = '# Loupe billed spend by quarter\nPeriod,Total billed\n2026-Q4,1834.500000\n';
    const api = stub('FINANCE_MANAGER', {
      'GET /v5/ad_accounts/100/finance/spend': (call: StubCall) =>
        call.query.get('format') === 'csv'
          ? new Response(csv, { status: 200, headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="loupe-spend-100-2026-01-2026-11-quarter.csv"' } })
          : jsonResponse(spend(call.query.get('granularity') as 'MONTH' | 'QUARTER')),
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderApp('/accounts/100/finance');
    fireEvent.click(await screen.findByRole('radio', { name: 'By quarter' }));
    fireEvent.click(screen.getByRole('button', { name: 'Download quarterly CSV' }));
    expect(await screen.findByText('Downloaded loupe-spend-100-2026-01-2026-11-quarter.csv')).toBeInTheDocument();
    const download = api.calls.find((c) => c.query.get('format') === 'csv')!;
    expect(download.query.toString()).toBe('granularity=QUARTER&start=2026-01&end=2026-11&format=csv');
    expect(download.authorization).toBe('Bearer test-token');
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(await created[0]!.text()).toBe(csv);
  });
});
