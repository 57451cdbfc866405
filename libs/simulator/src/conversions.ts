/**
 * Conversions: their types, values and delays. Values are drawn in US dollars
 * (log-normal per type, scaled by the advertiser's order-value scale) and converted to
 * the ad account's currency with the auction's static currency table, so money stays
 * integer micros end to end. Delays (from the click, or from the impression for a
 * view-through conversion) are a mixture of an in-session log-normal (minutes) and a
 * considered-purchase log-normal (hours to days), clamped to [1 minute, 30 days] —
 * 30 days being the click attribution window.
 */
import { convertUsdMicros, isReserveCurrency } from '@loupe/auction';
import { bernoulli, logNormal, logNormalCdf, type Random } from './random';

/** Conversion types the simulator reports (the conversions API's event names, lower-case). */
export const CONVERSION_TYPES = ['checkout', 'add_to_cart', 'signup', 'lead'] as const;
export type ConversionType = (typeof CONVERSION_TYPES)[number];

/** Value of one conversion in USD before the advertiser's scale: log-normal median and σ of its log. */
export const CONVERSION_VALUE_USD: Readonly<Record<ConversionType, { median: number; sigma: number }>> = {
  checkout: { median: 55, sigma: 0.7 },
  add_to_cart: { median: 40, sigma: 0.6 },
  lead: { median: 30, sigma: 0.5 },
  signup: { median: 10, sigma: 0.3 },
};

export interface DelayComponent {
  /** Probability of this component. */
  weight: number;
  /** Median delay, minutes. */
  medianMinutes: number;
  /** σ of the log of the delay. */
  sigma: number;
}

/** Delay mixtures per type: [in-session, considered]. */
export const CONVERSION_DELAYS: Readonly<Record<ConversionType, readonly [DelayComponent, DelayComponent]>> = {
  checkout: [
    { weight: 0.55, medianMinutes: 20, sigma: 0.9 },
    { weight: 0.45, medianMinutes: 2 * 1440, sigma: 1.0 },
  ],
  add_to_cart: [
    { weight: 0.85, medianMinutes: 6, sigma: 0.8 },
    { weight: 0.15, medianMinutes: 1440, sigma: 0.9 },
  ],
  signup: [
    { weight: 0.8, medianMinutes: 4, sigma: 0.7 },
    { weight: 0.2, medianMinutes: 720, sigma: 1.0 },
  ],
  lead: [
    { weight: 0.6, medianMinutes: 12, sigma: 0.8 },
    { weight: 0.4, medianMinutes: 1440, sigma: 1.0 },
  ],
};

export const MIN_DELAY_MINUTES = 1;
export const MAX_DELAY_MINUTES = 30 * 1440;

/** A conversion's delay in minutes (fractional), clamped to [1 minute, 30 days]. */
export function conversionDelayMinutes(random: Random, type: ConversionType): number {
  const [quick, considered] = CONVERSION_DELAYS[type];
  const component = bernoulli(random, quick.weight) ? quick : considered;
  const minutes = logNormal(random, component.medianMinutes, component.sigma);
  return Math.min(MAX_DELAY_MINUTES, Math.max(MIN_DELAY_MINUTES, minutes));
}

/** P(delay ≤ minutes) of the model, clamping included (for docs and tests). */
export function conversionDelayCdf(type: ConversionType, minutes: number): number {
  if (minutes < MIN_DELAY_MINUTES) return 0;
  if (minutes >= MAX_DELAY_MINUTES) return 1;
  return CONVERSION_DELAYS[type].reduce((p, c) => p + c.weight * logNormalCdf(minutes, c.medianMinutes, c.sigma), 0);
}

/** The delay below which a share `q` of conversions arrive (bisection on the CDF), minutes. */
export function conversionDelayQuantile(type: ConversionType, q: number): number {
  let lo = MIN_DELAY_MINUTES;
  let hi = MAX_DELAY_MINUTES;
  for (let i = 0; i < 100; i++) {
    const mid = Math.sqrt(lo * hi); // bisection in log space: delays span 4.6 decades
    if (conversionDelayCdf(type, mid) < q) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * A conversion's value in micros of `currency`: a log-normal USD amount times
 * `valueScale`, rounded to whole cents, then converted (rounded up to the currency's
 * minor unit by the static table).
 */
export function conversionValueMicros(random: Random, type: ConversionType, valueScale: number, currency: string): number {
  if (!isReserveCurrency(currency)) throw new RangeError(`no static conversion factor for currency ${currency}`);
  const { median, sigma } = CONVERSION_VALUE_USD[type];
  const usd = logNormal(random, median, sigma) * valueScale;
  const usdMicros = Math.max(1, Math.round(usd * 100)) * 10_000;
  return convertUsdMicros(usdMicros, currency);
}
