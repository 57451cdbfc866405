import { describe, expect, it } from 'vitest';
import {
  compareFractions,
  divRound,
  fraction,
  fractionToDecimal,
  fractionToInteger,
  fractionToNumber,
  microsToDecimal,
  microsToRoundedDecimal,
  scaledToDecimal,
  toBigInt,
} from './exact';

describe('toBigInt', () => {
  it('accepts bigints, safe integers and digit strings (ClickHouse quotes Int64)', () => {
    expect(toBigInt(12n)).toBe(12n);
    expect(toBigInt(-7)).toBe(-7n);
    expect(toBigInt('18446744073709551615')).toBe(18446744073709551615n);
    expect(toBigInt('-3')).toBe(-3n);
  });

  it('refuses floats, unsafe integers and non-digit strings instead of guessing', () => {
    expect(() => toBigInt(1.5, 'spend')).toThrow(/spend must be a safe integer/);
    expect(() => toBigInt(2 ** 53)).toThrow(RangeError);
    expect(() => toBigInt(Number.NaN)).toThrow(RangeError);
    expect(() => toBigInt('1e6')).toThrow(RangeError);
    expect(() => toBigInt('12.5')).toThrow(RangeError);
    expect(() => toBigInt('')).toThrow(RangeError);
  });
});

describe('divRound (half away from zero, like spreadsheet ROUND)', () => {
  it.each([
    [7n, 2n, 4n], // 3.5
    [5n, 2n, 3n], // 2.5: half-even would give 2
    [-5n, 2n, -3n],
    [-7n, 2n, -4n],
    [10n, 4n, 3n], // 2.5
    [9n, 4n, 2n], // 2.25
    [11n, 4n, 3n], // 2.75
    [-9n, 4n, -2n],
    [-11n, 4n, -3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [5n, -2n, -3n],
    [0n, 5n, 0n],
  ])('%s / %s rounds to %s', (num, den, expected) => {
    expect(divRound(num, den)).toBe(expected);
  });

  it('refuses a zero denominator', () => {
    expect(() => divRound(1n, 0n)).toThrow(/division by zero/);
  });
});

describe('decimal rendering', () => {
  it('writes scaled integers with exactly the given places', () => {
    expect(scaledToDecimal(1234n, 2)).toBe('12.34');
    expect(scaledToDecimal(-5n, 3)).toBe('-0.005');
    expect(scaledToDecimal(5n, 0)).toBe('5');
    expect(scaledToDecimal(0n, 2)).toBe('0.00');
  });

  it('renders fractions rounded half away from zero at the requested scale', () => {
    expect(fractionToDecimal({ num: 1n, den: 3n }, 4)).toBe('0.3333');
    expect(fractionToDecimal({ num: 2n, den: 3n }, 4)).toBe('0.6667');
    expect(fractionToDecimal({ num: 1n, den: 8n }, 2)).toBe('0.13'); // 0.125
    expect(fractionToDecimal({ num: -1n, den: 8n }, 2)).toBe('-0.13');
    expect(fractionToDecimal({ num: -1n, den: 1000n }, 2)).toBe('0.00'); // no "-0.00"
    expect(fractionToDecimal({ num: 1n, den: 3n })).toBe('0.3333333333');
    expect(() => fractionToDecimal({ num: 1n, den: 3n }, -1)).toThrow(RangeError);
  });

  it('turns fractions into the double nearest their rounded decimal', () => {
    expect(fractionToNumber({ num: 1n, den: 3n }, 4)).toBe(0.3333);
    expect(fractionToNumber({ num: 1n, den: 10n })).toBe(0.1);
  });

  it('keeps micros exact far beyond 2^53', () => {
    const micros = 2n ** 80n + 123_456n; // 1208925819614629174706176 + 0.123456 units
    expect(microsToDecimal(micros)).toBe('1208925819614629174.829632');
    expect(microsToDecimal(2n ** 80n)).toBe('1208925819614629174.706176');
    expect(microsToDecimal('-12340000')).toBe('-12.340000');
    expect(microsToDecimal(1)).toBe('0.000001');
  });

  it('rounds micros to a currency minor unit half away from zero', () => {
    expect(microsToRoundedDecimal(12_345_000n, 2)).toBe('12.35');
    expect(microsToRoundedDecimal(12_344_999n, 2)).toBe('12.34');
    expect(microsToRoundedDecimal(-12_345_000n, 2)).toBe('-12.35');
    expect(microsToRoundedDecimal(1_500_000n, 0)).toBe('2');
    expect(microsToRoundedDecimal(1_234_500n, 3)).toBe('1.235');
  });
});

describe('fractions', () => {
  it('are null for a zero denominator and carry the sign in the numerator', () => {
    expect(fraction(1n, 0n)).toBeNull();
    expect(fraction(1n, -2n)).toEqual({ num: -1n, den: 2n });
  });

  it('compare exactly, even where doubles cannot tell them apart', () => {
    const a = { num: 2n ** 60n, den: 2n ** 60n + 1n };
    const b = { num: 2n ** 60n + 1n, den: 2n ** 60n + 2n };
    expect(Number(a.num) / Number(a.den)).toBe(Number(b.num) / Number(b.den));
    expect(compareFractions(a, b)).toBe(-1);
    expect(compareFractions(b, a)).toBe(1);
    expect(compareFractions({ num: 1n, den: 2n }, { num: 2n, den: 4n })).toBe(0);
  });

  it('round to integers half away from zero', () => {
    expect(fractionToInteger({ num: 5n, den: 2n })).toBe(3n);
    expect(fractionToInteger({ num: -5n, den: 2n })).toBe(-3n);
  });
});
