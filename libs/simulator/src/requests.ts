/**
 * Who makes the next ad request at a given instant. People are active at their own
 * local hours: at 02:00 UTC it is Sunday evening in New York and the middle of the
 * night in Berlin, so American visitors dominate. A request picks a placement by the
 * placement mix, then a visitor by activity, accepted with probability
 * trafficMultiplier(their local weekday and hour) / the placement's highest multiplier
 * (rejection sampling): the visitors of an instant are the population weighted by
 * activity × their local traffic curve. Live and backfill modes draw requests here.
 */
import type { ServingPlacement } from '@loupe/auction';
import type { InterestKey } from './vocabulary';
import type { SimUser, SimulatedPopulation } from './population';
import type { Random } from './random';
import { searchQuery } from './search';
import { localTime, pickPlacement, PLACEMENT_MIX, trafficMultiplier } from './traffic';

export interface SimRequest {
  placement: ServingPlacement;
  user: SimUser;
  /** SEARCH only. */
  search?: { interest: InterestKey; query: string };
}

const PEAK_MULTIPLIER: Readonly<Record<ServingPlacement, number>> = Object.fromEntries(
  (['BROWSE', 'SEARCH', 'OTHER'] as const).map((p) => {
    let max = 0;
    for (let day = 0; day < 7; day++) for (let hour = 0; hour < 24; hour++) max = Math.max(max, trafficMultiplier(p, day, hour));
    return [p, max];
  }),
) as Record<ServingPlacement, number>;

/** Attempts before accepting whoever was drawn last (never reached with real curves: acceptance is ≥ 1 in 30). */
const MAX_ATTEMPTS = 1_000;

/** The next ad request at `utcMs`; undefined only if nobody uses the chosen placement. */
export function pickRequest(random: Random, population: SimulatedPopulation, utcMs: number): SimRequest | undefined {
  const placement = pickPlacement(random);
  let user: SimUser | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    user = population.pickVisitor(random, placement);
    if (!user) return undefined;
    const { day, hour } = localTime(utcMs, user.utcOffsetMinutes);
    if (random() * PEAK_MULTIPLIER[placement] < trafficMultiplier(placement, day, hour)) break;
  }
  return { placement, user: user!, search: placement === 'SEARCH' ? searchQuery(random, user!) : undefined };
}

/**
 * The population's request rate at `utcMs` relative to its weekly average: the
 * activity-weighted mean of everyone's local multiplier, mixed over placements. About
 * 1 averaged over a week; live mode scales its base rate by it (one O(people) pass, so
 * once a minute, not per request).
 */
export function populationTrafficMultiplier(population: SimulatedPopulation, utcMs: number): number {
  let weighted = 0;
  let activity = 0;
  for (const user of population.users) {
    const { day, hour } = localTime(utcMs, user.utcOffsetMinutes);
    const mixed =
      PLACEMENT_MIX.BROWSE * trafficMultiplier('BROWSE', day, hour) +
      PLACEMENT_MIX.SEARCH * trafficMultiplier('SEARCH', day, hour) +
      PLACEMENT_MIX.OTHER * trafficMultiplier('OTHER', day, hour);
    weighted += user.activity * mixed;
    activity += user.activity;
  }
  return activity > 0 ? weighted / activity : 0;
}
