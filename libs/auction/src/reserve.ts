/**
 * Reserve prices (bid floors): the least a bid must be to take part in an auction,
 * and the price a lone winner pays (DESIGN.md §4). The bid-floor API returns exactly
 * these values and the auction enforces exactly these values, so a bid the API calls
 * high enough is never rejected as BELOW_FLOOR.
 *
 * Floors are set in USD micros per placement and billable event, and converted to an
 * ad account's currency with a static table: a floor must not move between two calls
 * because an exchange rate ticked, and no I/O is allowed here. Integer arithmetic
 * only (bigint), rounded UP to the currency's minor unit so a floor is always an
 * amount the advertiser can type and never below the USD floor's value.
 */
import type { BillableEvent } from './auction';

/** Where an ad is shown, as Pinterest's placement groups. */
export const SERVING_PLACEMENTS = ['BROWSE', 'SEARCH', 'OTHER'] as const;
export type ServingPlacement = (typeof SERVING_PLACEMENTS)[number];
/** An ad group's placement setting: one placement, or ALL of them. */
export type PlacementGroup = ServingPlacement | 'ALL';

/**
 * Floors in USD micros, in Pinterest's bid units: per thousand impressions (CPM) for
 * IMPRESSION billing, per click (CPC) for CLICKTHROUGH billing. Search carries intent,
 * so it is the dearest; OTHER (e.g. related-pin strips) is the cheapest inventory.
 */
export const RESERVE_USD_MICROS: Readonly<Record<BillableEvent, Readonly<Record<ServingPlacement, number>>>> = {
  IMPRESSION: { BROWSE: 2_000_000, SEARCH: 3_000_000, OTHER: 1_500_000 },
  CLICKTHROUGH: { BROWSE: 100_000, SEARCH: 150_000, OTHER: 80_000 },
};

export interface CurrencyInfo {
  /** ISO 4217 minor-unit digits: 2 for cents, 0 for currencies without a minor unit. */
  minorUnitDigits: 0 | 2;
  /**
   * Static conversion factor: units of this currency per US dollar, in millionths
   * (EUR 0.92 → 920_000), so conversion stays integer arithmetic.
   */
  perUsdMillionths: number;
}

/**
 * Every currency Pinterest accepts for an ad account (its `Currency` enum minus UNK).
 * The factors are deliberately static round figures, reviewed by hand; they price
 * floors, not invoices, and floors must be stable.
 */
export const RESERVE_CURRENCIES = {
  USD: { minorUnitDigits: 2, perUsdMillionths: 1_000_000 },
  GBP: { minorUnitDigits: 2, perUsdMillionths: 790_000 },
  CAD: { minorUnitDigits: 2, perUsdMillionths: 1_360_000 },
  EUR: { minorUnitDigits: 2, perUsdMillionths: 920_000 },
  AUD: { minorUnitDigits: 2, perUsdMillionths: 1_520_000 },
  NZD: { minorUnitDigits: 2, perUsdMillionths: 1_660_000 },
  SEK: { minorUnitDigits: 2, perUsdMillionths: 10_500_000 },
  ILS: { minorUnitDigits: 2, perUsdMillionths: 3_700_000 },
  CHF: { minorUnitDigits: 2, perUsdMillionths: 880_000 },
  HKD: { minorUnitDigits: 2, perUsdMillionths: 7_800_000 },
  JPY: { minorUnitDigits: 0, perUsdMillionths: 150_000_000 },
  SGD: { minorUnitDigits: 2, perUsdMillionths: 1_340_000 },
  KRW: { minorUnitDigits: 0, perUsdMillionths: 1_350_000_000 },
  NOK: { minorUnitDigits: 2, perUsdMillionths: 10_600_000 },
  DKK: { minorUnitDigits: 2, perUsdMillionths: 6_850_000 },
  PLN: { minorUnitDigits: 2, perUsdMillionths: 3_950_000 },
  RON: { minorUnitDigits: 2, perUsdMillionths: 4_600_000 },
  HUF: { minorUnitDigits: 2, perUsdMillionths: 360_000_000 },
  CZK: { minorUnitDigits: 2, perUsdMillionths: 23_000_000 },
  BRL: { minorUnitDigits: 2, perUsdMillionths: 5_000_000 },
  MXN: { minorUnitDigits: 2, perUsdMillionths: 17_000_000 },
  ARS: { minorUnitDigits: 2, perUsdMillionths: 900_000_000 },
  CLP: { minorUnitDigits: 0, perUsdMillionths: 950_000_000 },
  COP: { minorUnitDigits: 2, perUsdMillionths: 3_950_000_000 },
  INR: { minorUnitDigits: 2, perUsdMillionths: 83_000_000 },
  TRY: { minorUnitDigits: 2, perUsdMillionths: 32_000_000 },
} as const satisfies Record<string, CurrencyInfo>;
export type ReserveCurrency = keyof typeof RESERVE_CURRENCIES;

export function isReserveCurrency(currency: string): currency is ReserveCurrency {
  return Object.prototype.hasOwnProperty.call(RESERVE_CURRENCIES, currency);
}

const MICROS_PER_UNIT = 1_000_000n;

/** Micros in one minor unit of the currency (10,000 for cents, 1,000,000 without a minor unit). */
export function microsPerMinorUnit(currency: ReserveCurrency): number {
  return 10 ** (6 - RESERVE_CURRENCIES[currency].minorUnitDigits);
}

/**
 * Converts USD micros to the currency's micros with the static factor, rounding up
 * to a whole minor unit (0.015 EUR → 0.02 EUR; 2.3 JPY → 3 JPY).
 */
export function convertUsdMicros(usdMicros: number, currency: ReserveCurrency): number {
  if (!Number.isSafeInteger(usdMicros) || usdMicros < 0) throw new RangeError('usdMicros must be a non-negative integer');
  const info = RESERVE_CURRENCIES[currency];
  if (!info) throw new RangeError(`no conversion factor for currency ${String(currency)}`);
  const step = BigInt(microsPerMinorUnit(currency));
  // micros × (units per USD) / 1e6, then up to the next whole minor unit — one ceiling, exact.
  const numerator = BigInt(usdMicros) * BigInt(info.perUsdMillionths);
  const denominator = MICROS_PER_UNIT * step;
  const local = ((numerator + denominator - 1n) / denominator) * step;
  if (local > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${usdMicros} USD micros in ${currency} exceed the safe integer range`);
  return Number(local);
}

export interface ReserveQuery {
  placement: PlacementGroup;
  billableEvent: BillableEvent;
  currency: ReserveCurrency;
}

/**
 * The floor in Pinterest's bid units (CPM micros for IMPRESSION, CPC micros for
 * CLICKTHROUGH) in the given currency — what `bid_in_micro_currency` must reach.
 *
 * ALL is the lowest floor over the placements: an ad group set to ALL whose bid clears
 * that floor can win somewhere, and each actual auction still enforces the floor of
 * the placement it runs for (a concrete one, never ALL).
 */
export function reservePrice(query: ReserveQuery): number {
  const floors = RESERVE_USD_MICROS[query.billableEvent];
  if (!floors) throw new RangeError(`no reserve for billable event ${String(query.billableEvent)}`);
  const usd = query.placement === 'ALL' ? Math.min(...SERVING_PLACEMENTS.map((p) => floors[p])) : floors[query.placement];
  if (usd === undefined) throw new RangeError(`no reserve for placement ${String(query.placement)}`);
  return convertUsdMicros(usd, query.currency);
}

/**
 * The same floor per billable event, as `runAuction` takes `Bid.reserveMicros`:
 * a CPM floor becomes a per-impression floor (÷ 1000, rounded up to a whole micro);
 * a CPC floor is already per click.
 */
export function reservePerEventMicros(query: ReserveQuery & { placement: ServingPlacement }): number {
  const floor = reservePrice(query);
  return query.billableEvent === 'IMPRESSION' ? Math.ceil(floor / 1000) : floor;
}
