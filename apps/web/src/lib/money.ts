/**
 * Money at the edge of the app. The API speaks integer micro-currency (1 unit =
 * 1,000,000 micros); amounts are turned into decimal strings with bigint arithmetic
 * and only then handed to Intl.NumberFormat (which formats a decimal string exactly),
 * so 0.1 + 0.2 never shows up on an invoice.
 */
export const MICROS_PER_UNIT = 1_000_000n;

/** Digits after the decimal point of a currency's minor unit: 2 for USD, 0 for JPY and KRW. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

type MicrosInput = number | bigint | string;

function toBigInt(micros: MicrosInput): bigint {
  if (typeof micros === 'bigint') return micros;
  if (typeof micros === 'number') {
    if (!Number.isSafeInteger(micros)) throw new RangeError(`${micros} is not a whole number of micros`);
    return BigInt(micros);
  }
  if (!/^-?\d+$/.test(micros)) throw new RangeError(`"${micros}" is not a whole number of micros`);
  return BigInt(micros);
}

/**
 * Micros as an exact decimal string of units with `digits` decimals, rounded half away
 * from zero at the last digit ("12345678", 2 → "12.35").
 */
export function microsToDecimal(micros: MicrosInput, digits: number): string {
  const value = toBigInt(micros);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const step = 10n ** BigInt(6 - Math.min(digits, 6));
  const rounded = ((abs + step / 2n) / step) * step;
  const whole = rounded / MICROS_PER_UNIT;
  const fraction = (rounded % MICROS_PER_UNIT).toString().padStart(6, '0').slice(0, digits);
  const text = digits > 0 ? `${whole}.${fraction}` : `${whole}`;
  return negative && rounded !== 0n ? `-${text}` : text;
}

/** "$1,234.50" from 1234500000 in USD; the currency's own minor digits (¥1,235 in JPY). */
export function formatMoney(micros: MicrosInput, currency: string, locale?: string): string {
  const digits = currencyDigits(currency);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  // A decimal string is formatted exactly (Intl.NumberFormat v3), with no detour through a float.
  return format.format(microsToDecimal(micros, digits) as unknown as number);
}

/** "USD", "$" and friends for input adornments. */
export function currencySymbol(currency: string, locale?: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

export type ParsedMoney = { ok: true; micros: number } | { ok: false; message: string };

/**
 * What a person typed ("25", "1,250.5", "0.10") as integer micros, refusing more
 * decimals than the currency has and anything that is not a plain amount.
 */
export function parseMoney(input: string, currency: string): ParsedMoney {
  const text = input.trim().replace(/[\s,_]/g, '');
  if (text === '') return { ok: false, message: 'Enter an amount.' };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return { ok: false, message: 'Enter an amount such as 25 or 25.50, without the currency sign.' };
  const [, whole = '0', fraction = ''] = match;
  const digits = currencyDigits(currency);
  if (fraction.length > digits) {
    return {
      ok: false,
      message: digits === 0 ? `${currency} amounts are whole numbers.` : `${currency} amounts have at most ${digits} decimals.`,
    };
  }
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0') || '0');
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'That amount is too large.' };
  return { ok: true, micros: Number(micros) };
}

/** Micros as the plain amount a person would type back ("25.5" → "25.50"). */
export function microsToInput(micros: number | null | undefined, currency: string): string {
  if (micros === null || micros === undefined) return '';
  return microsToDecimal(micros, currencyDigits(currency));
}

/** The longest month has 31 days; a daily budget can spend on each of them. */
export const DAYS_IN_LONGEST_MONTH = 31n;

export interface WorstCaseSpend {
  /** The most the budget lets the ad group spend in one of the account's days. */
  perDayMicros: bigint;
  /** The most in one calendar month. */
  perMonthMicros: bigint;
  /** For a lifetime budget: spread evenly over the schedule, per day (STANDARD pacing aims at it). */
  evenPerDayMicros: bigint | null;
}

/**
 * The worst case a budget allows: a DAILY budget spends at most itself each day (31 days
 * in a month); a LIFETIME budget never spends more than itself in total, so a single day
 * or month can at worst take all of it (ACCELERATED pacing may spend it early).
 */
export function worstCaseSpend(budgetMicros: number | bigint, budgetType: 'DAILY' | 'LIFETIME', scheduleDays: number | null): WorstCaseSpend {
  const budget = BigInt(budgetMicros);
  if (budgetType === 'DAILY') return { perDayMicros: budget, perMonthMicros: budget * DAYS_IN_LONGEST_MONTH, evenPerDayMicros: null };
  const days = scheduleDays !== null && scheduleDays > 0 ? BigInt(Math.ceil(scheduleDays)) : null;
  return { perDayMicros: budget, perMonthMicros: budget, evenPerDayMicros: days === null ? null : budget / days };
}
