/**
 * When people use each placement: 24 hourly weights (local time of the person) and 7
 * day-of-week weights per placement, and the split of ad requests between placements.
 * Shapes follow how a visual-discovery network is used: the home feed (BROWSE) peaks
 * in the evening and at weekends; SEARCH carries intent, with a late-afternoon
 * "what's for dinner" rise and a Sunday planning peak; OTHER (related-pin strips under
 * a close-up) follows browsing, a little flatter. Weights are relative integers; the
 * numbers are listed in docs/simulator.md and checked by traffic.spec.ts.
 *
 * The hourly weights are `TrafficProfile`s of @loupe/auction, so serving can use them
 * directly as STANDARD pacing's target curve.
 */
import type { ServingPlacement, TrafficProfile } from '@loupe/auction';
import { pickIndex, pickWeighted, type Random } from './random';

/** Share of ad requests per placement. */
export const PLACEMENT_MIX: Readonly<Record<ServingPlacement, number>> = { BROWSE: 0.7, SEARCH: 0.2, OTHER: 0.1 };

/** Relative traffic per local hour, index 0 = 00:00–00:59. */
export const HOURLY_WEIGHTS: Readonly<Record<ServingPlacement, TrafficProfile>> = {
  BROWSE: [30, 18, 10, 7, 6, 8, 15, 28, 40, 45, 48, 52, 58, 55, 50, 50, 55, 62, 72, 85, 98, 100, 85, 55],
  SEARCH: [22, 12, 7, 5, 5, 8, 16, 32, 48, 56, 60, 64, 70, 66, 60, 62, 72, 82, 85, 88, 92, 90, 70, 42],
  OTHER: [35, 22, 14, 10, 9, 12, 20, 34, 46, 52, 55, 58, 62, 60, 57, 57, 60, 66, 74, 84, 94, 100, 88, 60],
};

/** Relative traffic per local day of the week, index 0 = Sunday (as `Date#getDay`). */
export const WEEKDAY_WEIGHTS: Readonly<Record<ServingPlacement, readonly number[]>> = {
  BROWSE: [118, 96, 94, 95, 97, 100, 112],
  SEARCH: [112, 104, 100, 99, 97, 92, 100],
  OTHER: [115, 97, 95, 96, 97, 99, 110],
};

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Share of a day's requests on `placement` that fall in local hour `hour`. */
export function hourlyShare(placement: ServingPlacement, hour: number): number {
  const weights = HOURLY_WEIGHTS[placement];
  return weights[hour]! / sum(weights);
}

/** Share of a week's requests on `placement` that fall on local weekday `day` (0 = Sunday). */
export function weekdayShare(placement: ServingPlacement, day: number): number {
  const weights = WEEKDAY_WEIGHTS[placement];
  return weights[day]! / sum(weights);
}

/**
 * Request rate at a local weekday and hour relative to the weekly average: 1 on
 * average over the 168 hours of a week, about 2 at a Sunday evening peak on BROWSE.
 * Live mode multiplies its base rate by this.
 */
export function trafficMultiplier(placement: ServingPlacement, day: number, hour: number): number {
  return hourlyShare(placement, hour) * 24 * weekdayShare(placement, day) * 7;
}

/** The local weekday (0 = Sunday) and hour of a UTC instant for a person `utcOffsetMinutes` from UTC. */
export function localTime(utcMs: number, utcOffsetMinutes: number): { day: number; hour: number } {
  const local = new Date(utcMs + utcOffsetMinutes * 60_000);
  return { day: local.getUTCDay(), hour: local.getUTCHours() };
}

/** A placement for the next ad request, by `PLACEMENT_MIX`. */
export function pickPlacement(random: Random): ServingPlacement {
  return pickWeighted(random, PLACEMENT_MIX);
}

/** A local weekday and hour for one request on `placement`, with probability ∝ weekday × hourly weight. */
export function pickHourOfWeek(random: Random, placement: ServingPlacement): { day: number; hour: number } {
  const day = pickIndex(random, WEEKDAY_WEIGHTS[placement]);
  const hour = pickIndex(random, HOURLY_WEIGHTS[placement]);
  return { day, hour };
}
