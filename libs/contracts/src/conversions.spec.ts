import { describe, expect, it } from 'vitest';
import { CONVERSION_EVENT_NAMES, CONVERSION_TYPES, CONVERSION_TYPE_BY_EVENT_NAME, DECIMAL_VALUE, conversionEventSchema, decimalToMicros, iso4217Schema } from './conversions';

describe('conversions contract', () => {
  it.each([
    ['0', 0],
    ['0.000001', 1],
    ['0.1', 100_000],
    ['12.34', 12_340_000],
    ['19.99', 19_990_000],
    ['0.3', 300_000],
    ['999999999.999999', 999_999_999_999_999],
  ])('parses %s to exactly %i micros', (value, micros) => {
    expect(DECIMAL_VALUE.test(value)).toBe(true);
    expect(decimalToMicros(value)).toBe(micros);
  });

  it.each(['-1', '1.', '.5', '1.1234567', '1e3', '01.5', '1,50', '1000000000', ' 1', ''])('refuses the value %j', (value) => {
    expect(DECIMAL_VALUE.test(value)).toBe(false);
  });

  it('maps every Pinterest event name onto a conversion type', () => {
    for (const name of CONVERSION_EVENT_NAMES) expect(CONVERSION_TYPES).toContain(CONVERSION_TYPE_BY_EVENT_NAME[name]);
  });

  it('takes ISO 4217 codes only', () => {
    for (const code of ['USD', 'EUR', 'JPY', 'CHF', 'BRL']) expect(iso4217Schema.safeParse(code).success).toBe(true);
    for (const code of ['usd', 'XYZ', 'US', 'EURO', '']) expect(iso4217Schema.safeParse(code).success).toBe(false);
  });

  it('refuses plain-text emails with a message that says so', () => {
    const result = conversionEventSchema.safeParse({
      event_name: 'lead',
      action_source: 'web',
      event_time: 1,
      event_id: 'x',
      user_data: { em: ['Someone@Example.com'] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('plain-text email');
  });
});
