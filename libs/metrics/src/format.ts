import { type Fraction, type IntegerInput, fractionToDecimal, microsToRoundedDecimal } from './exact';

/*
 * Formatting for people (the web app). Amounts never pass through a float: micros are
 * rounded exactly to the currency's minor unit as a decimal string, and that string is
 * handed to Intl.NumberFormat, which formats decimal strings without converting them
 * to doubles (ECMA-402, Intl.NumberFormat v3).
 */

/** Decimal places of the currency's minor unit as Intl (CLDR) displays it: USD 2, JPY 0, KWD 3. */
export function currencyFractionDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export interface MoneyFormatOptions {
  readonly currencyDisplay?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
}

/** Integer micros as a localized currency string, rounded half away from zero to the currency's minor unit. */
export function formatMicros(micros: IntegerInput, currency: string, locale = 'en-US', options: MoneyFormatOptions = {}): string {
  const digits = currencyFractionDigits(currency);
  const decimal = microsToRoundedDecimal(micros, digits);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: options.currencyDisplay ?? 'symbol',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(decimal as Intl.StringNumericLiteral);
}

/** What a metric with a zero denominator shows. */
export const NOT_APPLICABLE = '—';

/** A ratio as a localized percentage (0.01234 -> "1.23%"), rounded half away from zero; null -> "—". */
export function formatPercent(value: Fraction | null, locale = 'en-US', fractionDigits = 2): string {
  if (value === null) return NOT_APPLICABLE;
  // Round the exact ratio to the shown places of a percentage (two more places as a fraction).
  const decimal = fractionToDecimal(value, fractionDigits + 2);
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(decimal as Intl.StringNumericLiteral);
}

/** A ratio as a localized plain number (ROAS 3.456 -> "3.46"), rounded half away from zero; null -> "—". */
export function formatRatio(value: Fraction | null, locale = 'en-US', fractionDigits = 2): string {
  if (value === null) return NOT_APPLICABLE;
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(fractionToDecimal(value, fractionDigits) as Intl.StringNumericLiteral);
}
