/**
 * STANDARD budget pacing: spread a daily budget over the day in proportion to the
 * traffic the placement expects, so an ad group neither burns its budget by breakfast
 * nor leaves it unspent at midnight.
 *
 * The control variable is a throttle p ∈ [MIN_THROTTLE, 1]: the probability that an
 * eligible request lets the ad group into the auction. Every interval (a minute in
 * production) the controller:
 *   1. estimates the full-throttle spend rate from the last interval
 *      (spend_last / p_last: the spend it would have had at p = 1);
 *   2. spreads the remaining budget over the remaining traffic of the day (the target
 *      curve) to get the spend wanted in the next interval;
 *   3. sets p_next = wanted / full_rate, smoothed and clamped.
 * Spend-so-far feeds back through the remaining budget: running ahead of the curve
 * lowers p, running behind raises it. ACCELERATED pacing skips all this (p = 1).
 */

/** Relative traffic per hour of the day (any positive scale), 24 entries. */
export type TrafficProfile = readonly number[];

export const FLAT_PROFILE: TrafficProfile = Array.from({ length: 24 }, () => 1);

export const MIN_THROTTLE = 0.001;
/** Throttle used before any spend has been observed. */
export const INITIAL_THROTTLE = 0.1;

/** Share of the day's traffic that falls before `minuteOfDay` (0..1440), linear within each hour. */
export function cumulativeShare(profile: TrafficProfile, minuteOfDay: number): number {
  if (profile.length !== 24 || profile.some((w) => !(w >= 0))) throw new RangeError('a traffic profile has 24 non-negative weights');
  const total = profile.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new RangeError('a traffic profile needs some traffic');
  const m = Math.min(1440, Math.max(0, minuteOfDay));
  const hour = Math.floor(m / 60);
  let before = 0;
  for (let h = 0; h < hour && h < 24; h++) before += profile[h]!;
  const within = hour < 24 ? (profile[hour]! * (m - hour * 60)) / 60 : 0;
  return (before + within) / total;
}

/** Spend the curve wants by `minuteOfDay`, integer micros. */
export function targetSpendMicros(budgetMicros: number, profile: TrafficProfile, minuteOfDay: number): number {
  return Math.floor(budgetMicros * cumulativeShare(profile, minuteOfDay));
}

/** What the controller remembers between intervals (kept in Redis per ad group and day). */
export interface PacingState {
  throttle: number;
  /**
   * Smoothed estimate of the spend per minute at throttle 1 (micros/minute), or null
   * before any spend was seen. Smoothing matters: at a low throttle most minutes see no
   * win at all, and one lucky win must not be read as a spend rate.
   */
  fullRatePerMinute: number | null;
}

export const INITIAL_PACING: PacingState = { throttle: INITIAL_THROTTLE, fullRatePerMinute: null };

/** Weight of the newest interval in the full-rate estimate (about a 10-interval memory). */
const RATE_SMOOTHING = 0.1;

export interface PacingInput {
  budgetMicros: number;
  /** Spent today so far (reserved charges included), integer micros. */
  spentMicros: number;
  /** Spent during the interval that just ended, at `state.throttle`. */
  intervalSpendMicros: number;
  /** Start of the next interval, minutes since the account's midnight. */
  minuteOfDay: number;
  intervalMinutes: number;
  profile: TrafficProfile;
}

export function nextPacing(state: PacingState, input: PacingInput): PacingState {
  const sample = input.intervalSpendMicros / state.throttle / input.intervalMinutes;
  const fullRatePerMinute =
    state.fullRatePerMinute === null
      ? sample > 0
        ? sample
        : null
      : state.fullRatePerMinute + RATE_SMOOTHING * (sample - state.fullRatePerMinute);
  const remaining = input.budgetMicros - input.spentMicros;
  if (remaining <= 0) return { throttle: MIN_THROTTLE, fullRatePerMinute };
  const shareLeft = 1 - cumulativeShare(input.profile, input.minuteOfDay);
  if (shareLeft <= 0) return { throttle: 1, fullRatePerMinute };
  if (fullRatePerMinute === null || fullRatePerMinute <= 0) {
    // Nothing spent yet at this throttle: open up (doubling finds the traffic quickly).
    return { throttle: clamp(state.throttle * 2), fullRatePerMinute };
  }
  const shareNext =
    cumulativeShare(input.profile, input.minuteOfDay + input.intervalMinutes) - cumulativeShare(input.profile, input.minuteOfDay);
  const wantedPerMinute = (remaining * shareNext) / shareLeft / input.intervalMinutes;
  return { throttle: clamp(wantedPerMinute / fullRatePerMinute), fullRatePerMinute };
}

function clamp(p: number): number {
  return Math.min(1, Math.max(MIN_THROTTLE, p));
}
