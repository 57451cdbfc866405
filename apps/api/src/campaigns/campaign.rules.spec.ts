import { describe, expect, it } from 'vitest';
import { checkCampaign, type CampaignRuleFields } from './campaign.rules';

const NOW = 1_800_000_000;
const DAY = 86_400;
const campaign = (fields: Partial<CampaignRuleFields> = {}): CampaignRuleFields => ({
  status: 'ACTIVE',
  objective_type: 'CONSIDERATION',
  daily_spend_cap: null,
  lifetime_spend_cap: null,
  start_time: NOW,
  end_time: null,
  ...fields,
});
const failure = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('checkCampaign', () => {
  it('accepts a campaign with consistent caps and dates', () => {
    expect(() => checkCampaign(campaign({ daily_spend_cap: 10, lifetime_spend_cap: 10, end_time: NOW + DAY }), null, NOW)).not.toThrow();
  });

  it('refuses an end_time at or before start_time, naming end_time', () => {
    expect(failure(() => checkCampaign(campaign({ end_time: NOW }), null, NOW - DAY))).toMatch(/^Invalid parameters\. end_time: must be after start_time/);
  });

  it('refuses an end_time in the past only when it is set or changed', () => {
    const ended = campaign({ start_time: NOW - 3 * DAY, end_time: NOW - DAY });
    expect(failure(() => checkCampaign(ended, null, NOW))).toContain('end_time: must be in the future');
    expect(() => checkCampaign({ ...ended, status: 'PAUSED' }, ended, NOW)).not.toThrow();
  });

  it('refuses a daily cap above the lifetime cap', () => {
    expect(failure(() => checkCampaign(campaign({ daily_spend_cap: 11, lifetime_spend_cap: 10 }), null, NOW))).toContain(
      'daily_spend_cap: must not exceed lifetime_spend_cap (11 > 10 micros)',
    );
  });

  it('lets the objective change only while the campaign is a draft', () => {
    const draft = campaign({ status: 'DRAFT' });
    expect(() => checkCampaign({ ...draft, objective_type: 'AWARENESS', status: 'ACTIVE' }, draft, NOW)).not.toThrow();
    const active = campaign();
    expect(failure(() => checkCampaign({ ...active, objective_type: 'AWARENESS' }, active, NOW))).toContain('objective_type: can only change while the campaign is a DRAFT');
  });
});
