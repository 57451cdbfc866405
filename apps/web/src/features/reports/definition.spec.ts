import { describe, expect, it } from 'vitest';
import { exportPlan, fromDefinition, initialBuilderState, toDefinition, type BuilderState } from './definition';

const NOW = new Date('2026-11-27T15:00:00Z');
const TZ = 'America/New_York';
const base = (patch: Partial<BuilderState> = {}): BuilderState => ({ ...initialBuilderState('7', TZ, NOW), ...patch });

describe('report definition from the builder', () => {
  it('turns presets, granularity, breakdowns and filters into the API’s body', () => {
    const result = toDefinition(
      base({ accountIds: ['7', '8'], preset: 'last_7_days', granularity: 'week', breakdowns: ['campaign'], metrics: ['spend', 'ctr'], campaignIds: '11, 12', locations: 'us de', genders: ['female'] }),
      TZ,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      definition: expect.objectContaining({
        ad_account_ids: ['7', '8'],
        start_date: '2026-11-21',
        end_date: '2026-11-27',
        dimensions: ['campaign', 'week'],
        metrics: ['spend', 'ctr'],
        filters: { campaign_ids: ['11', '12'], location: ['US', 'DE'], gender: ['female'] },
      }),
    });
  });

  it('says what is wrong with each field', () => {
    const result = toDefinition(
      base({ accountIds: [], metrics: [], preset: 'custom', custom: { start: '2026-11-10', end: '2026-11-01' }, campaignIds: 'abc', locations: 'USA' }),
      TZ,
      NOW,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        accounts: 'Choose at least one ad account.',
        metrics: 'Choose at least one metric.',
        dates: 'The end date is before the start date.',
        campaignIds: 'Campaign ids are numbers, separated by commas.',
        locations: 'Countries are two-letter codes such as US, DE.',
      },
    });
  });

  it('round-trips a saved definition back into the form as a custom range', () => {
    const built = toDefinition(base({ breakdowns: ['ad_account'], granularity: 'month' }), TZ, NOW);
    if (!built.ok) throw new Error('expected a definition');
    const again = toDefinition(fromDefinition(built.definition), TZ, NOW);
    expect(again).toEqual(built);
  });
});

describe('CSV export plan', () => {
  const definition = (patch: Partial<BuilderState>) => {
    const built = toDefinition(base(patch), TZ, NOW);
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    return built.definition;
  };

  it('asks for one CSV async report per account, at the deepest entity level, leaving out metrics Pinterest has no column for', () => {
    const plan = exportPlan(definition({ accountIds: ['7', '8'], breakdowns: ['ad_account', 'campaign'], granularity: 'date', metrics: ['spend', 'impressions', 'roas'] }), NOW);
    expect(plan).toEqual({
      ok: true,
      omittedMetrics: ['roas'],
      requests: ['7', '8'].map((adAccountId) => ({
        adAccountId,
        body: expect.objectContaining({ level: 'CAMPAIGN', granularity: 'DAY', columns: ['SPEND_IN_MICRO_DOLLAR', 'IMPRESSION_1'], report_format: 'CSV', start_date: '2026-10-29', end_date: '2026-11-27' }),
      })),
    });
  });

  it('refuses what an async report cannot express, saying what to change', () => {
    expect(exportPlan(definition({ granularity: 'quarter' }), NOW)).toEqual({ ok: false, reason: expect.stringMatching(/no quarter granularity/) });
    expect(exportPlan(definition({ breakdowns: ['device'] }), NOW)).toEqual({ ok: false, reason: expect.stringMatching(/remove Device to export/) });
    expect(exportPlan(definition({ preset: 'last_12_months' }), NOW)).toEqual({ ok: false, reason: expect.stringMatching(/at most 186 days/) });
    expect(exportPlan(definition({ metrics: ['roas', 'cpa'] }), NOW)).toEqual({ ok: false, reason: expect.stringMatching(/None of the chosen metrics/) });
  });
});
