import type { Campaign } from '@loupe/contracts';
import { describeTime, invalidField } from '../common/rule-errors';

/** The fields campaign rules read. */
export type CampaignRuleFields = Pick<Campaign, 'status' | 'objective_type' | 'daily_spend_cap' | 'lifetime_spend_cap' | 'start_time' | 'end_time'>;

/**
 * Business rules of a campaign as it will be after a create (`previous` null) or an
 * update. Throws a 400 naming the field. Status moves and archived campaigns are
 * checked by the shared write path (common/account-objects.ts).
 *
 * Changing a campaign's schedule does not check its ad groups: as in Pinterest, the
 * campaign's dates supersede its ad groups' (delivery needs both schedules to allow it).
 */
export function checkCampaign(next: CampaignRuleFields, previous: CampaignRuleFields | null, now: number): void {
  if (next.start_time !== null && next.end_time !== null && next.end_time <= next.start_time) {
    throw invalidField('end_time', `must be after start_time ${describeTime(next.start_time)}; got ${describeTime(next.end_time)}.`);
  }
  const endTimeSet = next.end_time !== null && (previous === null || previous.end_time !== next.end_time);
  if (endTimeSet && next.end_time! <= now) {
    throw invalidField('end_time', `must be in the future; got ${describeTime(next.end_time!)}.`);
  }
  if (next.daily_spend_cap !== null && next.lifetime_spend_cap !== null && next.daily_spend_cap > next.lifetime_spend_cap) {
    throw invalidField(
      'daily_spend_cap',
      `must not exceed lifetime_spend_cap (${next.daily_spend_cap} > ${next.lifetime_spend_cap} micros); a day cannot spend more than the whole campaign.`,
    );
  }
  if (previous !== null && next.objective_type !== previous.objective_type && previous.status !== 'DRAFT') {
    throw invalidField('objective_type', 'can only change while the campaign is a DRAFT, as in Pinterest; create a new campaign for another objective.');
  }
}
