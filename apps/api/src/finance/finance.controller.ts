import type { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  accountFinanceSpendSchema,
  adAccountIdParamSchema,
  billingInvoiceDetailSchema,
  billingInvoiceListSchema,
  billingInvoiceParamSchema,
  billableEventsQuerySchema,
  billingInvoiceQuerySchema,
  billingInvoicesQuerySchema,
  closePeriodBodySchema,
  crossAccountFinanceSpendQuerySchema,
  crossAccountFinanceSpendSchema,
  financePeriodListSchema,
  financePeriodParamSchema,
  financePeriodSchema,
  financePeriodsQuerySchema,
  financeSpendQuerySchema,
  type AccountFinanceSpend,
  type BillableEventsQuery,
  type BillingInvoiceDetail,
  type BillingInvoiceList,
  type BillingInvoiceParam,
  type BillingInvoiceQuery,
  type BillingInvoicesQuery,
  type ClosePeriodBody,
  type CrossAccountFinanceSpend,
  type CrossAccountFinanceSpendQuery,
  type FinancePeriod,
  type FinancePeriodList,
  type FinancePeriodParam,
  type FinancePeriodsQuery,
  type FinanceSpendQuery,
} from '@loupe/contracts';
import type { Principal } from '../auth/token.service';
import { CurrentAdAccount, CurrentPrincipal, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route, SIGNED_IN } from '../common/route.decorator';
import { BillableEventsService } from './billable-events';
import { invoiceCsv, spendCsv } from './finance-csv';
import { FinanceService } from './finance.service';

const MONEY = 'Money in integer micros of the account currency; months and quarters cut in the ad account\'s timezone (docs/finance.md).';
const CSV = '`format=csv` downloads the same figures as CSV (RFC 4180, commented header with account, period, timezone, currency, generation time and a SHA-256 checksum; `bom=true` for Excel).';

function csvFile(stream: Readable, filename: string): StreamableFile {
  return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
}

@Controller('v5')
export class FinanceController {
  constructor(
    private readonly finance: FinanceService,
    private readonly billableEvents: BillableEventsService,
  ) {}

  @Get('ad_accounts/:ad_account_id/finance/billable_events')
  @Route({
    summary: 'Download every billed event as CSV',
    description:
      "The line items behind the spend figures: one CSV row per billed impression, click or engagement (non-zero price, invalid traffic excluded, re-sent copies collapsed) whose time falls in `start_date`..`end_date` (days in the ad account's timezone, inclusive, at most 92 days): date and time in the account's timezone, event id and type, campaign, ad group and ad ids, placement, spend in integer micros and as an exact decimal. Streamed straight from ClickHouse with back-pressure, so any size downloads in flat memory. RFC 4180, UTF-8 (`bom=true` for Excel), formula injection neutralised, commented header (account, period, timezone, currency, attribution windows, generation time); the last line carries the SHA-256 of the column and data rows and the row count (docs/exports.md).",
    tag: 'finance',
    access: adAccount('finance:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: billableEventsQuerySchema,
  })
  async billableEventsCsv(@CurrentAdAccount() scope: AdAccountScope, @Query() query: BillableEventsQuery): Promise<StreamableFile> {
    const account = await this.finance.account(scope.id);
    const stream = await this.billableEvents.csv(account, query.start_date, query.end_date, query.bom);
    return csvFile(stream, `loupe-billable-events-${account.id}-${query.start_date}-${query.end_date}.csv`);
  }

  @Get('ad_accounts/:ad_account_id/finance/spend')
  @Route({
    summary: 'Get billed spend per month or quarter',
    description: `Billed impressions, clicks and spend from the spend ledger per month or quarter, with the restatements of earlier closed months booked into each period. Closed months are frozen. ${MONEY} ${CSV}`,
    tag: 'finance',
    access: adAccount('finance:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: financeSpendQuerySchema,
    response: accountFinanceSpendSchema,
  })
  async spend(@CurrentAdAccount() scope: AdAccountScope, @Query() query: FinanceSpendQuery): Promise<AccountFinanceSpend | StreamableFile> {
    const account = await this.finance.account(scope.id);
    const { report, generatedAt } = await this.finance.spend(account, query.granularity, query.start, query.end);
    if (query.format === 'json') return report;
    const name = `loupe-spend-${account.id}-${query.start}-${query.end}-${query.granularity.toLowerCase()}.csv`;
    return csvFile(spendCsv(report, account.name, query, generatedAt ?? new Date(), query.bom), name);
  }

  @Get('finance/spend')
  @Route({
    summary: 'Get billed spend per month or quarter across ad accounts',
    description: `For every ad account in \`ad_account_ids\` the caller may read finance on, plus one total series per currency (never summed across currencies). ${MONEY}`,
    tag: 'finance',
    access: SIGNED_IN,
    rate: 'read',
    extension: true,
    query: crossAccountFinanceSpendQuerySchema,
    response: crossAccountFinanceSpendSchema,
  })
  spendForUser(@CurrentPrincipal() principal: Principal, @Query() query: CrossAccountFinanceSpendQuery): Promise<CrossAccountFinanceSpend> {
    return this.finance.spendForUser(principal.userId, query.ad_account_ids, query.granularity, query.start, query.end);
  }

  @Get('ad_accounts/:ad_account_id/finance/periods')
  @Route({
    summary: 'List finance periods',
    description: 'Months of the ad account (newest first; default the last 12), each OPEN or CLOSED, with when and by whom it was closed.',
    tag: 'finance',
    access: adAccount('finance:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: financePeriodsQuerySchema,
    response: financePeriodListSchema,
  })
  async periods(@CurrentAdAccount() scope: AdAccountScope, @Query() query: FinancePeriodsQuery): Promise<FinancePeriodList> {
    return { items: await this.finance.periods(await this.finance.account(scope.id), query.start, query.end) };
  }

  @Post('ad_accounts/:ad_account_id/finance/periods/:period/close')
  @HttpCode(200)
  @Route({
    summary: 'Close a finance period',
    description:
      "Freezes a month's figures (per campaign and ad group: billed spend, impressions, clicks and attributed conversion value). Refused (409) until the month has ended in the ad account's timezone; closing a closed month returns it unchanged. Later changes to the month appear as dated restatement lines in the next open month.",
    tag: 'finance',
    access: adAccount('finance:write'),
    rate: 'write',
    extension: true,
    status: 200,
    params: financePeriodParamSchema,
    body: closePeriodBodySchema,
    response: financePeriodSchema,
  })
  async close(
    @CurrentAdAccount() scope: AdAccountScope,
    @CurrentPrincipal() principal: Principal,
    @Param() params: FinancePeriodParam,
    @Body() body: ClosePeriodBody,
  ): Promise<FinancePeriod> {
    return this.finance.close(await this.finance.account(scope.id), params.period, principal.userId, body.note);
  }

  @Get('ad_accounts/:ad_account_id/billing_invoices')
  @Route({
    summary: 'List billing invoices',
    description: `One invoice per month with billed activity, restatements or a closing, plus the current month (newest first; default the last 12 months). OPEN while the month is open, ISSUED once closed. ${MONEY}`,
    tag: 'finance',
    access: adAccount('finance:read'),
    rate: 'read',
    // Pinterest's path, Loupe's shape: ISSUED rather than CLOSED, lines and restatements (docs/finance.md).
    extension: true,
    params: adAccountIdParamSchema,
    query: billingInvoicesQuerySchema,
    response: billingInvoiceListSchema,
  })
  async invoices(@CurrentAdAccount() scope: AdAccountScope, @Query() query: BillingInvoicesQuery): Promise<BillingInvoiceList> {
    return { items: await this.finance.invoices(await this.finance.account(scope.id), query.start, query.end), bookmark: null };
  }

  @Get('ad_accounts/:ad_account_id/billing_invoices/:billing_invoice_id')
  @Route({
    summary: 'Get a billing invoice with its lines',
    description: `Lines per campaign (billed spend, impressions, clicks; attributed conversion value for information) and dated restatement lines for earlier closed months. An ISSUED invoice is frozen: its CSV is the same bytes on every download. ${MONEY} ${CSV}`,
    tag: 'finance',
    access: adAccount('finance:read'),
    rate: 'read',
    extension: true,
    params: billingInvoiceParamSchema,
    query: billingInvoiceQuerySchema,
    response: billingInvoiceDetailSchema,
  })
  async invoice(
    @CurrentAdAccount() scope: AdAccountScope,
    @Param() params: BillingInvoiceParam,
    @Query() query: BillingInvoiceQuery,
  ): Promise<BillingInvoiceDetail | StreamableFile> {
    const { invoice, closed } = await this.finance.invoice(await this.finance.account(scope.id), params.billing_invoice_id);
    if (query.format === 'json') return invoice;
    return csvFile(invoiceCsv(invoice, closed?.closedAt ?? new Date(), query.bom), `${invoice.invoice_number}.csv`);
  }
}
