import { z } from 'zod';
import { idSchema } from './common';

/*
 * Finance (Loupe extension, docs/finance.md): spend per month and quarter from the
 * Postgres spend ledger, invoices per month (Pinterest's billing_invoices in spirit),
 * and closed periods whose figures never change; late changes to a closed month are
 * booked as dated restatement lines in the next open month.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Furthest a spend request may reach, in months. */
export const FINANCE_MAX_MONTHS = 36;

const monthParam = (name: string) =>
  z.string({ error: `Parameter '${name}' is required (YYYY-MM)` }).regex(MONTH, `Parameter '${name}' must be a month as YYYY-MM (01–12)`);

const formatQuery = z.enum(['json', 'csv'], { error: "Parameter 'format' must be json or csv" }).default('json');
const bomQuery = z
  .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: "Parameter 'bom' must be true or false" }))
  .default(false);

export const FINANCE_GRANULARITIES = ['MONTH', 'QUARTER'] as const;
export type FinanceGranularity = (typeof FINANCE_GRANULARITIES)[number];

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

const spendRange = z
  .object({
    granularity: z.enum(FINANCE_GRANULARITIES, { error: "Parameter 'granularity' must be MONTH or QUARTER" }).default('MONTH'),
    start: monthParam('start'),
    end: monthParam('end'),
  })
  .refine((q) => monthIndex(q.start) <= monthIndex(q.end), { message: "Parameter 'start' must not be after 'end'", path: ['start'] })
  .refine((q) => monthIndex(q.end) - monthIndex(q.start) < FINANCE_MAX_MONTHS, {
    message: `Parameters 'start' to 'end' may span at most ${FINANCE_MAX_MONTHS} months`,
    path: ['end'],
  });

export const financeSpendQuerySchema = z.intersection(spendRange, z.object({ format: formatQuery, bom: bomQuery }));
export type FinanceSpendQuery = z.infer<typeof financeSpendQuerySchema>;

const idList = z.preprocess(
  (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter((s) => s !== '')),
  z
    .array(idSchema, { error: "Parameter 'ad_account_ids' is required" })
    .min(1, "Parameter 'ad_account_ids' needs at least one value")
    .max(50, "Parameter 'ad_account_ids' takes at most 50 values"),
);
export const crossAccountFinanceSpendQuerySchema = z.intersection(spendRange, z.object({ ad_account_ids: idList }));
export type CrossAccountFinanceSpendQuery = z.infer<typeof crossAccountFinanceSpendQuerySchema>;

export const PERIOD_STATUSES = ['OPEN', 'CLOSED'] as const;

/** Billed figures of one period: activity of the period itself plus restatements booked into it. */
export const financeFiguresSchema = z.object({
  billed_impressions: z.number().int(),
  billed_clicks: z.number().int(),
  /** Billed spend of the period's own hours, integer micros (frozen once the month is closed). */
  spend_in_micro_currency: z.number().int(),
  /** Corrections to earlier closed months booked into this period (may be negative). */
  restatement_billed_impressions: z.number().int(),
  restatement_billed_clicks: z.number().int(),
  restatement_spend_in_micro_currency: z.number().int(),
  /** spend + restatements: what the period's invoice bills. */
  total_spend_in_micro_currency: z.number().int(),
});
export type FinanceFigures = z.infer<typeof financeFiguresSchema>;

export const financePeriodFiguresSchema = financeFiguresSchema.extend({
  /** "2026-07" or "2026-Q3", cut in the ad account's timezone. */
  period: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  /** CLOSED when every month of the period is closed. */
  status: z.enum(PERIOD_STATUSES),
});
export type FinancePeriodFigures = z.infer<typeof financePeriodFiguresSchema>;

export const accountFinanceSpendSchema = z.object({
  ad_account_id: idSchema,
  currency: z.string(),
  timezone: z.string(),
  granularity: z.enum(FINANCE_GRANULARITIES),
  periods: z.array(financePeriodFiguresSchema),
  totals: financeFiguresSchema,
});
export type AccountFinanceSpend = z.infer<typeof accountFinanceSpendSchema>;

export const crossAccountFinanceSpendSchema = z.object({
  accounts: z.array(accountFinanceSpendSchema),
  /** One series per currency: amounts are never summed across currencies. Periods are each account's own local periods. */
  totals_by_currency: z.array(
    z.object({ currency: z.string(), ad_account_ids: z.array(idSchema), periods: z.array(financePeriodFiguresSchema.omit({ status: true, start_date: true, end_date: true })), totals: financeFiguresSchema }),
  ),
});
export type CrossAccountFinanceSpend = z.infer<typeof crossAccountFinanceSpendSchema>;

/* ---------------------------------------------------------------- periods */

export const financePeriodParamSchema = z.object({ ad_account_id: idSchema, period: monthParam('period') });
export type FinancePeriodParam = z.infer<typeof financePeriodParamSchema>;

export const closePeriodBodySchema = z.preprocess(
  // No body at all means no note; JSON null is a wrong body like any other.
  (v) => (v === undefined ? {} : v),
  z.strictObject({ note: z.string().max(500, "Field 'note' takes at most 500 characters").optional() }),
);
export type ClosePeriodBody = z.infer<typeof closePeriodBodySchema>;

export const financePeriodsQuerySchema = z
  .object({ start: monthParam('start').optional(), end: monthParam('end').optional() })
  .refine((q) => !q.start || !q.end || monthIndex(q.start) <= monthIndex(q.end), { message: "Parameter 'start' must not be after 'end'", path: ['start'] })
  .refine((q) => !q.start || !q.end || monthIndex(q.end) - monthIndex(q.start) < FINANCE_MAX_MONTHS, {
    message: `Parameters 'start' to 'end' may span at most ${FINANCE_MAX_MONTHS} months`,
    path: ['end'],
  });
export type FinancePeriodsQuery = z.infer<typeof financePeriodsQuerySchema>;

export const financePeriodSchema = z.object({
  ad_account_id: idSchema,
  period: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  currency: z.string(),
  timezone: z.string(),
  status: z.enum(PERIOD_STATUSES),
  /** ISO instant; null while open. */
  closed_at: z.string().nullable(),
  closed_by: idSchema.nullable(),
  note: z.string().nullable(),
  /** Whether the month has ended in the account's timezone (only ended months can be closed). */
  ended: z.boolean(),
});
export type FinancePeriod = z.infer<typeof financePeriodSchema>;
export const financePeriodListSchema = z.object({ items: z.array(financePeriodSchema) });
export type FinancePeriodList = z.infer<typeof financePeriodListSchema>;

/* ---------------------------------------------------------------- invoices */

export const INVOICE_STATUSES = ['OPEN', 'ISSUED'] as const;
export const INVOICE_LINE_TYPES = ['SPEND', 'RESTATEMENT'] as const;

export const billingInvoicesQuerySchema = financePeriodsQuerySchema;
export type BillingInvoicesQuery = FinancePeriodsQuery;
export const billingInvoiceParamSchema = z.object({ ad_account_id: idSchema, billing_invoice_id: idSchema });
export type BillingInvoiceParam = z.infer<typeof billingInvoiceParamSchema>;
export const billingInvoiceQuerySchema = z.object({ format: formatQuery, bom: bomQuery });
export type BillingInvoiceQuery = z.infer<typeof billingInvoiceQuerySchema>;

export const invoiceLineSchema = z.object({
  line_type: z.enum(INVOICE_LINE_TYPES),
  campaign_id: idSchema,
  /** The campaign's name when the figures were fixed (closing, or detection of a restatement); live while open. */
  campaign_name: z.string().nullable(),
  /** RESTATEMENT: the closed month the correction belongs to. */
  restated_period: z.string().nullable(),
  /** RESTATEMENT: when the difference was detected (ISO instant). */
  detected_at: z.string().nullable(),
  billed_impressions: z.number().int(),
  billed_clicks: z.number().int(),
  spend_in_micro_currency: z.number().int(),
  /** Informational (not billed): attributed conversion value, default windows at the time of the ad action. */
  conversion_value_in_micro_currency: z.number().int(),
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

export const billingInvoiceSchema = z.object({
  id: idSchema,
  invoice_number: z.string(),
  ad_account_id: idSchema,
  ad_account_name: z.string(),
  document_type: z.literal('INVOICE'),
  billing_period: z.string(),
  billing_period_start_date: z.string(),
  billing_period_end_date: z.string(),
  currency: z.string(),
  timezone: z.string(),
  /** OPEN while the month is open (figures may still change), ISSUED once it is closed (frozen). */
  status: z.enum(INVOICE_STATUSES),
  issued_at: z.string().nullable(),
  /** Sum of the lines: spend plus restatements. */
  amount_billed_micro_currency: z.number().int(),
  spend_in_micro_currency: z.number().int(),
  restatement_micro_currency: z.number().int(),
  billed_impressions: z.number().int(),
  billed_clicks: z.number().int(),
});
export type BillingInvoice = z.infer<typeof billingInvoiceSchema>;
export const billingInvoiceListSchema = z.object({ items: z.array(billingInvoiceSchema), bookmark: z.string().nullable() });
export type BillingInvoiceList = z.infer<typeof billingInvoiceListSchema>;
export const billingInvoiceDetailSchema = billingInvoiceSchema.extend({ lines: z.array(invoiceLineSchema) });
export type BillingInvoiceDetail = z.infer<typeof billingInvoiceDetailSchema>;

/** Widest billable-events export, in days (a quarter). */
export const BILLABLE_EVENTS_MAX_DAYS = 92;

const exportDate = (name: string) =>
  z
    .string({ error: `Parameter '${name}' is required (YYYY-MM-DD)` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Parameter '${name}' must be a date as YYYY-MM-DD`)
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '1971-01-01' && v <= '2100-12-31';
    }, `Parameter '${name}' is not a calendar date between 1971-01-01 and 2100-12-31`);

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** `GET /v5/ad_accounts/{id}/finance/billable_events`: days in the ad account's timezone, both inclusive. */
export const billableEventsQuerySchema = z
  .object({ start_date: exportDate('start_date'), end_date: exportDate('end_date'), bom: bomQuery })
  .refine((q) => q.start_date <= q.end_date, { message: "Parameter 'start_date' must not be after 'end_date'", path: ['start_date'] })
  .refine((q) => dayNumber(q.end_date) - dayNumber(q.start_date) < BILLABLE_EVENTS_MAX_DAYS, {
    message: `Parameters 'start_date' to 'end_date' may span at most ${BILLABLE_EVENTS_MAX_DAYS} days`,
    path: ['end_date'],
  });
export type BillableEventsQuery = z.infer<typeof billableEventsQuerySchema>;
