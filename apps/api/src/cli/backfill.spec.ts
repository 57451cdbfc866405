import { describe, expect, it } from 'vitest';
import { BACKFILL_DEFAULTS, BackfillOptionsError, parseBackfillArgs } from './backfill';

const NOW = Date.UTC(2026, 10, 27, 20, 21, 5);
const HOUR = Date.UTC(2026, 10, 27, 20);

describe('backfill options', () => {
  it('defaults to the week before the start of the current UTC hour, with the documented volume', () => {
    const options = parseBackfillArgs([], NOW);
    expect(options.toMs).toBe(HOUR);
    expect(options.fromMs).toBe(HOUR - 7 * 86_400_000);
    expect(options).toMatchObject({ requestsPerDay: BACKFILL_DEFAULTS.requestsPerDay, seed: 1, pacingEveryMinutes: 240, concurrency: 128, boost: 1, wait: false, ifEmpty: false });
  });

  it('takes --days before --to, or --from and --to, and the flags', () => {
    expect(parseBackfillArgs(['--days', '365', '--to=2026-11-01T00:00:00Z', '--wait', '--if-empty'], NOW)).toMatchObject({
      fromMs: Date.UTC(2025, 10, 1),
      toMs: Date.UTC(2026, 10, 1),
      wait: true,
      ifEmpty: true,
    });
    expect(parseBackfillArgs(['--from', '2026-01-01', '--to', '2026-01-03', '--requests-per-day', '50', '--seed', '9'], NOW)).toMatchObject({
      fromMs: Date.UTC(2026, 0, 1),
      toMs: Date.UTC(2026, 0, 3),
      requestsPerDay: 50,
      seed: 9,
    });
  });

  it('refuses a period in the future, an empty one, both --from and --days, and bad numbers', () => {
    expect(() => parseBackfillArgs(['--to', '2099-01-01'], NOW)).toThrow(BackfillOptionsError);
    expect(() => parseBackfillArgs(['--from', '2026-01-03', '--to', '2026-01-01'], NOW)).toThrow(/empty/);
    expect(() => parseBackfillArgs(['--from', '2026-01-01', '--days', '3'], NOW)).toThrow(/not both/);
    expect(() => parseBackfillArgs(['--days', 'many'], NOW)).toThrow(/--days/);
    expect(() => parseBackfillArgs(['--pacing-every', '0'], NOW)).toThrow(/--pacing-every/);
    expect(() => parseBackfillArgs(['--to', 'yesterday'], NOW)).toThrow(/--to/);
  });
});
