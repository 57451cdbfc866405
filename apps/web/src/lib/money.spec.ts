import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney, microsToDecimal, parseMoney, worstCaseSpend } from './money';

describe('money from integer micros', () => {
  it('formats micros in the currency with its own minor digits', () => {
    expect(formatMoney(1_234_500_000, 'USD', 'en-US')).toBe('$1,234.50');
    expect(formatMoney(1_234_500_000, 'JPY', 'en-US')).toBe('¥1,235');
    expect(formatMoney(25_000_000, 'EUR', 'de-DE')).toBe('25,00\u00a0€');
    expect(formatMoney(0, 'USD', 'en-US')).toBe('$0.00');
  });

  it('formats amounts beyond 2^53 micros exactly, from bigint or string, with no float drift', () => {
    // 9,007,199,254.740993 units: a float would print ...740992.
    expect(formatMoney(9_007_199_254_740_993n, 'USD', 'en-US')).toBe('$9,007,199,254.74');
    expect(microsToDecimal('9007199254740993', 6)).toBe('9007199254.740993');
    expect(formatMoney('300000', 'USD', 'en-US')).toBe('$0.30');
    // 0.1 + 0.2 units stays 0.30, where floats give 0.30000000000000004.
    expect(formatMoney(100_000 + 200_000, 'USD', 'en-US')).toBe('$0.30');
  });

  it('rounds half away from zero at the minor unit, negatives included', () => {
    expect(microsToDecimal(12_345_678, 2)).toBe('12.35');
    expect(microsToDecimal(12_344_999, 2)).toBe('12.34');
    expect(microsToDecimal(-5_000, 2)).toBe('-0.01');
    expect(microsToDecimal(-4_999, 2)).toBe('0.00');
    expect(microsToDecimal(1_500_000, 0)).toBe('2');
  });

  it('refuses non-integer micros', () => {
    expect(() => formatMoney(1.5, 'USD')).toThrow(RangeError);
    expect(() => microsToDecimal('1e6', 2)).toThrow(RangeError);
  });

  it("knows each currency's minor digits", () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KRW')).toBe(0);
  });

  it('parses typed amounts into micros and refuses more decimals than the currency has', () => {
    expect(parseMoney('25', 'USD')).toEqual({ ok: true, micros: 25_000_000 });
    expect(parseMoney('1,250.5', 'USD')).toEqual({ ok: true, micros: 1_250_500_000 });
    expect(parseMoney('0.10', 'USD')).toEqual({ ok: true, micros: 100_000 });
    expect(parseMoney('0.105', 'USD')).toEqual({ ok: false, message: 'USD amounts have at most 2 decimals.' });
    expect(parseMoney('500.5', 'JPY')).toEqual({ ok: false, message: 'JPY amounts are whole numbers.' });
    expect(parseMoney('$5', 'USD').ok).toBe(false);
    expect(parseMoney('-5', 'USD').ok).toBe(false);
    expect(parseMoney('', 'USD')).toEqual({ ok: false, message: 'Enter an amount.' });
  });

  it('computes the worst-case spend of a budget in integer micros', () => {
    expect(worstCaseSpend(33_333_333, 'DAILY', null)).toEqual({ perDayMicros: 33_333_333n, perMonthMicros: 1_033_333_323n, evenPerDayMicros: null });
    expect(worstCaseSpend(100_000_000, 'LIFETIME', 3)).toEqual({ perDayMicros: 100_000_000n, perMonthMicros: 100_000_000n, evenPerDayMicros: 33_333_333n });
  });
});
