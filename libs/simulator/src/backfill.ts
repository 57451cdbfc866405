/**
 * Backfill mode's plan (docs/simulator.md, "Backfill mode"): history generated in
 * simulated time, decided here without I/O so a seed reproduces it. Time is cut in UTC
 * hours; hour h (unix ms of its start) gets `backfillHourRequests` serve requests —
 * the run's daily rate spread by the population's traffic curve — and request j of it is
 * drawn from its own stream `(seed, 'backfill-request', h / 1000, j)`: its instant within
 * the hour, then `pickRequest` at that instant. The reactions to slot s come from
 * `(seed, 'backfill-impression', h / 1000, j, s)`. So any hour can be generated alone,
 * in any order, and gives the same requests and reactions.
 */
import { pickRequest, type SimRequest } from './requests';
import type { SimulatedPopulation } from './population';
import { streamRandom, type Random } from './random';
import { localTime, PLACEMENT_MIX, trafficMultiplier } from './traffic';

export const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;

/**
 * The population's traffic multiplier (`populationTrafficMultiplier`) for each hour of
 * the week (index = UTC weekday × 24 + UTC hour, weekday 0 = Sunday): it depends only on
 * that, since every person keeps one UTC offset. Computed from the activity per offset
 * (a few dozen offsets rather than every person at every hour).
 */
export function weeklyTrafficMultipliers(population: SimulatedPopulation): number[] {
  const activityByOffset = new Map<number, number>();
  let total = 0;
  for (const user of population.users) {
    activityByOffset.set(user.utcOffsetMinutes, (activityByOffset.get(user.utcOffsetMinutes) ?? 0) + user.activity);
    total += user.activity;
  }
  // 2026-11-29 is a Sunday: hour k of that week has UTC weekday ⌊k / 24⌋ and hour k mod 24.
  const sunday = Date.UTC(2026, 10, 29);
  return Array.from({ length: WEEK_HOURS }, (_, k) => {
    let weighted = 0;
    for (const [offset, activity] of activityByOffset) {
      const { day, hour } = localTime(sunday + k * HOUR_MS, offset);
      const mixed =
        PLACEMENT_MIX.BROWSE * trafficMultiplier('BROWSE', day, hour) +
        PLACEMENT_MIX.SEARCH * trafficMultiplier('SEARCH', day, hour) +
        PLACEMENT_MIX.OTHER * trafficMultiplier('OTHER', day, hour);
      weighted += activity * mixed;
    }
    return total > 0 ? weighted / total : 0;
  });
}

/** The hour-of-week index of an instant (UTC weekday × 24 + UTC hour). */
export function hourOfWeek(utcMs: number): number {
  const date = new Date(utcMs);
  return date.getUTCDay() * 24 + date.getUTCHours();
}

/**
 * Serve requests in the UTC hour starting at `hourMs`: `requestsPerDay` / 24 × the
 * population's multiplier of that hour, rounded up or down at random (its own stream) so
 * the expectation is exact: over a week, `requestsPerDay` × 7 on average.
 */
export function backfillHourRequests(seed: number, multipliers: readonly number[], requestsPerDay: number, hourMs: number): number {
  if (hourMs % HOUR_MS !== 0) throw new RangeError(`hourMs must be the start of a UTC hour; got ${hourMs}`);
  const expected = (requestsPerDay / 24) * multipliers[hourOfWeek(hourMs)]!;
  const whole = Math.floor(expected);
  return whole + (streamRandom(seed, 'backfill-hour', hourMs / 1000)() < expected - whole ? 1 : 0);
}

/** One backfill request: when, and who asks what. */
export interface BackfillRequest extends SimRequest {
  /** Unix ms within the hour. */
  atMs: number;
  /** Its index within the hour. */
  index: number;
}

/** Request `index` of the UTC hour starting at `hourMs`; undefined only if nobody uses the drawn placement. */
export function backfillRequest(seed: number, population: SimulatedPopulation, hourMs: number, index: number): BackfillRequest | undefined {
  const random = streamRandom(seed, 'backfill-request', hourMs / 1000, index);
  const atMs = hourMs + Math.floor(random() * HOUR_MS);
  const request = pickRequest(random, population, atMs);
  return request && { ...request, atMs, index };
}

/** Every request of the hour, in time order (ties by index). */
export function backfillHour(seed: number, population: SimulatedPopulation, multipliers: readonly number[], requestsPerDay: number, hourMs: number): BackfillRequest[] {
  const count = backfillHourRequests(seed, multipliers, requestsPerDay, hourMs);
  const requests: BackfillRequest[] = [];
  for (let j = 0; j < count; j++) {
    const request = backfillRequest(seed, population, hourMs, j);
    if (request) requests.push(request);
  }
  return requests.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}

/** The generator of slot `slot` of request `index` of the hour starting at `hourMs` (for `decideLiveImpression`). */
export function backfillImpressionRandom(seed: number, hourMs: number, index: number, slot: number): Random {
  return streamRandom(seed, 'backfill-impression', hourMs / 1000, index, slot);
}

/** UTC hour starts from `fromMs` (rounded down to its hour) up to, not including, `toMs`. */
export function backfillHours(fromMs: number, toMs: number): number[] {
  const hours: number[] = [];
  for (let h = Math.floor(fromMs / HOUR_MS) * HOUR_MS; h < toMs; h += HOUR_MS) hours.push(h);
  return hours;
}
