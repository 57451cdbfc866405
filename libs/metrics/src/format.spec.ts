import { describe, expect, it } from 'vitest';
import { currencyFractionDigits, formatMicros, formatPercent, formatRatio } from './format';

// Intl may use narrow or non-breaking spaces depending on the locale; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMicros', () => {
  it("honours the currency's minor unit", () => {
    expect(currencyFractionDigits('USD')).toBe(2);
    expect(currencyFractionDigits('JPY')).toBe(0);
    expect(currencyFractionDigits('KWD')).toBe(3);
    expect(formatMicros(12_345_678n, 'USD')).toBe('$12.35');
    expect(formatMicros(1_500_000n, 'JPY', 'en-US')).toBe('¥2');
    expect(plain(formatMicros(1_234_500n, 'KWD', 'en-US', { currencyDisplay: 'code' }))).toBe('KWD 1.235');
  });

  it('rounds half away from zero, for negative amounts too', () => {
    expect(formatMicros(5_000, 'USD')).toBe('$0.01');
    expect(formatMicros(4_999, 'USD')).toBe('$0.00');
    expect(formatMicros(-5_000, 'USD')).toBe('-$0.01');
    expect(formatMicros('-12345000', 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('-12,35 €');
  });

  it('does not drift through floats: 2^53 + 1 micros and amounts of 20 digits print every digit', () => {
    expect(formatMicros(9_007_199_254_740_993n, 'USD')).toBe('$9,007,199,254.74'); // 9007199254.740993
    expect(formatMicros(90_071_992_547_409_931_230_000n, 'USD')).toBe('$90,071,992,547,409,931.23');
    // The float path would have printed …940.00 here.
    expect(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(Number('90071992547409931.23'))).not.toBe(
      '$90,071,992,547,409,931.23',
    );
  });

  it('localises separators and symbols', () => {
    expect(plain(formatMicros(1_234_567_890n, 'EUR', 'fr-FR'))).toBe('1 234,57 €');
    expect(formatMicros(1_234_567_890n, 'GBP', 'en-GB')).toBe('£1,234.57');
  });
});

describe('formatPercent and formatRatio', () => {
  it('renders a ratio as a percentage, rounded half away from zero', () => {
    expect(formatPercent({ num: 25n, den: 1000n })).toBe('2.50%');
    expect(formatPercent({ num: 1n, den: 8n }, 'en-US', 1)).toBe('12.5%');
    expect(formatPercent({ num: 1n, den: 3n }, 'en-US', 2)).toBe('33.33%');
    expect(formatPercent({ num: 2n, den: 3n }, 'en-US', 0)).toBe('67%');
    expect(formatPercent({ num: 1n, den: 80000n }, 'en-US', 2)).toBe('0.00%'); // 0.00125% rounds down
    expect(formatPercent({ num: 1n, den: 20000n }, 'en-US', 2)).toBe('0.01%'); // 0.005% rounds half up
    expect(formatPercent({ num: -1n, den: 2n })).toBe('-50.00%');
    expect(plain(formatPercent({ num: 1234n, den: 10000n }, 'de-DE'))).toBe('12,34 %');
  });

  it('shows a dash for an undefined metric (zero denominator), not 0%', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatRatio(null)).toBe('—');
  });

  it('renders a ratio as a plain number (ROAS)', () => {
    expect(formatRatio({ num: 94n, den: 12n })).toBe('7.83');
    expect(formatRatio({ num: 12_345n, den: 2n }, 'en-US', 1)).toBe('6,172.5');
  });
});
