/**
 * Exact arithmetic for metrics: integers are bigint, ratios are kept as fractions of
 * bigints until the edge, and every rounding is done once, at output, by one rule.
 *
 * The rule is half away from zero (what ROUND() does in Excel, LibreOffice and Google
 * Sheets), so a finance user who recomputes a figure from the exported sums gets the
 * same digits. Half-even would only matter if rounded values were summed again, and
 * Loupe never does that: totals are recomputed from summed base measures.
 */

/** What callers may pass for an integer: bigint, a safe-integer number, or a string of digits (ClickHouse quotes Int64). */
export type IntegerInput = bigint | number | string;

/** An exact ratio num/den with den > 0 (not necessarily reduced). */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/** Decimal places of a ratio rendered as a number or string unless told otherwise. */
export const RATIO_SCALE = 10;

/** Decimal places of a micro-currency amount: 1 unit = 1,000,000 micros. */
export const MICROS_SCALE = 6;
export const MICROS_PER_UNIT = 1_000_000n;

const INTEGER_STRING = /^-?\d+$/;

/** Converts an integer input to bigint; throws RangeError on anything that is not an exact integer. */
export function toBigInt(value: IntegerInput, what = 'value'): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    // A float or an integer past 2^53 has already lost digits; refuse it rather than guess.
    if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer or a bigint, got ${value}`);
    return BigInt(value);
  }
  if (!INTEGER_STRING.test(value)) throw new RangeError(`${what} must be a string of digits, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

/** num/den as a fraction with a positive denominator; null when den is 0 (the metric is undefined, not 0). */
export function fraction(num: bigint, den: bigint): Fraction | null {
  if (den === 0n) return null;
  return den < 0n ? { num: -num, den: -den } : { num, den };
}

/** Integer division rounded half away from zero. den must not be 0. */
export function divRound(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const quotient = num / den; // truncates toward zero
  const remainder = num % den; // carries the sign of num
  const absRemainder = remainder < 0n ? -remainder : remainder;
  if (2n * absRemainder >= den) return num < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/** An integer scaled by 10^scale written as a decimal: (1234n, 2) -> "12.34", (-5n, 3) -> "-0.005". */
export function scaledToDecimal(scaled: bigint, scale: number): string {
  assertScale(scale);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** The fraction as a decimal string with exactly `scale` places, rounded half away from zero. */
export function fractionToDecimal(value: Fraction, scale: number = RATIO_SCALE): string {
  assertScale(scale);
  return scaledToDecimal(divRound(value.num * 10n ** BigInt(scale), value.den), scale);
}

/**
 * The fraction as a JS number for JSON: the double nearest to its decimal rounded to
 * `scale` places, so the same fraction always serialises to the same digits.
 */
export function fractionToNumber(value: Fraction, scale: number = RATIO_SCALE): number {
  return Number(fractionToDecimal(value, scale));
}

/** The fraction rounded to an integer, half away from zero (money outputs such as CPC in micros). */
export function fractionToInteger(value: Fraction): bigint {
  return divRound(value.num, value.den);
}

/** Exact comparison: negative when a < b, 0 when equal, positive when a > b. */
export function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Integer micros as an exact decimal of currency units with all six places: 12340000n -> "12.340000". */
export function microsToDecimal(micros: IntegerInput): string {
  return scaledToDecimal(toBigInt(micros, 'micros'), MICROS_SCALE);
}

/** Integer micros rounded (half away from zero) to `digits` decimal places of currency units: (12345678n, 2) -> "12.35". */
export function microsToRoundedDecimal(micros: IntegerInput, digits: number): string {
  return fractionToDecimal({ num: toBigInt(micros, 'micros'), den: MICROS_PER_UNIT }, digits);
}

/** A bigint as a JSON number: exact up to 2^53, the nearest double beyond (exact figures travel as strings, e.g. in CSV). */
export function integerToNumber(value: bigint): number {
  return Number(value);
}

function assertScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 30) throw new RangeError(`scale must be an integer in 0..30, got ${scale}`);
}
