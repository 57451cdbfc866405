import { describe, expect, it } from 'vitest';
import { FLAT_PROFILE, INITIAL_PACING, cumulativeShare, nextPacing, targetSpendMicros, type TrafficProfile } from './pacing';
import { seededRandom as seeded } from './random';

/**
 * A day of minute-by-minute traffic for one STANDARD ad group with far more traffic
 * than its budget needs: each request passes the throttle with probability p, wins
 * with probability `winRate` and is charged about `price`. The budget gate stops
 * charges that would exceed the budget.
 */
function simulateDay(opts: { budget: number; requestsPerMinute: (minute: number) => number; winRate: number; price: number; seed: number; profile: TrafficProfile }) {
  const next = seeded(opts.seed);
  let state = INITIAL_PACING;
  let spent = 0;
  let spentByNoon = 0;
  for (let minute = 0; minute < 1440; minute++) {
    let interval = 0;
    const requests = opts.requestsPerMinute(minute);
    for (let r = 0; r < requests; r++) {
      if (next() >= state.throttle || next() >= opts.winRate) continue;
      const charge = Math.round(opts.price * (0.5 + next()));
      if (spent + charge > opts.budget) continue;
      spent += charge;
      interval += charge;
    }
    if (minute === 719) spentByNoon = spent;
    state = nextPacing(state, { budgetMicros: opts.budget, spentMicros: spent, intervalSpendMicros: interval, minuteOfDay: minute + 1, intervalMinutes: 1, profile: opts.profile });
  }
  return { spent, spentByNoon };
}

describe('STANDARD pacing', () => {
  it('the flat curve wants half the budget by noon', () => {
    expect(cumulativeShare(FLAT_PROFILE, 720)).toBeCloseTo(0.5, 12);
    expect(targetSpendMicros(100_000_000, FLAT_PROFILE, 720)).toBe(50_000_000);
  });

  it('follows a traffic profile: a quiet night holds back spend', () => {
    const profile = [1, 1, 1, 1, 1, 1, 2, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 8, 8, 6, 4, 2, 1];
    expect(cumulativeShare(profile, 360)).toBeLessThan(0.1);
    expect(cumulativeShare(profile, 1440)).toBe(1);
  });

  it.each([1, 2, 3])('with ample flat traffic ends the day within 5 percent of budget, at most 60 percent by midday (seed %i)', (seed) => {
    const budget = 50_000_000; // $50
    // ~10× the traffic the budget needs: 400 requests/min × 50% wins × ~$0.05 = $10/min at p = 1.
    const { spent, spentByNoon } = simulateDay({ budget, requestsPerMinute: () => 400, winRate: 0.5, price: 50_000, seed, profile: FLAT_PROFILE });
    expect(spent).toBeLessThanOrEqual(budget);
    expect(spent).toBeGreaterThanOrEqual(budget * 0.95);
    expect(spentByNoon).toBeLessThanOrEqual(budget * 0.6);
  });

  it('closes the throttle once the budget is spent and opens it when nothing is spending', () => {
    const base = { budgetMicros: 1_000, intervalMinutes: 1, profile: FLAT_PROFILE, minuteOfDay: 600 };
    expect(nextPacing({ throttle: 0.5, fullRatePerMinute: 20 }, { ...base, spentMicros: 1_000, intervalSpendMicros: 10 }).throttle).toBe(0.001);
    expect(nextPacing({ throttle: 0.2, fullRatePerMinute: null }, { ...base, spentMicros: 0, intervalSpendMicros: 0 }).throttle).toBe(0.4);
  });
});
