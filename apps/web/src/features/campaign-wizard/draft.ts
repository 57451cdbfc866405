import {
  adGroupCreateItemSchema,
  AGE_BUCKETS,
  APP_TYPES,
  bidMicrosSchema,
  budgetMicrosSchema,
  campaignCreateItemSchema,
  GENDERS,
  objectNameSchema,
  pinCreateBodySchema,
  targetingSpecSchema,
  type AdGroupCreateItem,
  type AgeBucket,
  type AppType,
  type CampaignCreateItem,
  type Gender,
  type PinCreateBody,
  type TargetingSpec,
} from '@loupe/contracts';
import { type z } from 'zod';
import { type FieldErrors } from '../../lib/forms';
import { daysBetween, startOfDayIn } from '../../lib/format';
import { formatMoney, parseMoney } from '../../lib/money';

/** The objectives an image promoted pin can serve (catalog sales and video completion need catalogs and video). */
export const WIZARD_OBJECTIVES = [
  { value: 'AWARENESS', label: 'Awareness', description: 'Show your pin to as many of the right people as possible. Billed per 1,000 impressions (CPM).' },
  { value: 'CONSIDERATION', label: 'Consideration', description: 'Get people to click through to your site. Billed per click (CPC).' },
  { value: 'WEB_CONVERSION', label: 'Conversions', description: 'Drive purchases and sign-ups on your site. Billed per click (CPC).' },
] as const;
export type WizardObjective = (typeof WIZARD_OBJECTIVES)[number]['value'];

export const WIZARD_STEPS = ['Objective', 'Budget and schedule', 'Targeting', 'Creative', 'Review and launch'] as const;

export interface Draft {
  version: 1;
  savedAt: number | null;
  step: number;
  objective: WizardObjective | null;
  campaignName: string;
  budgetType: 'DAILY' | 'LIFETIME';
  budget: string;
  startDate: string;
  endDate: string;
  bidStrategy: 'AUTOMATIC_BID' | 'MAX_BID';
  bid: string;
  /** STANDARD spreads the budget over the day; ACCELERATED spends as fast as it wins. Absent in drafts saved before the choice existed (STANDARD). */
  pacing?: 'STANDARD' | 'ACCELERATED';
  interests: string[];
  keywords: string;
  locations: string[];
  ageBuckets: AgeBucket[];
  genders: Gender[];
  devices: AppType[];
  imageUrl: string;
  title: string;
  description: string;
  link: string;
  /** What the launch created so far, so a retry after a failure continues instead of duplicating. */
  launched: { campaignId?: string; adGroupId?: string; pinId?: string; adId?: string };
}

export function emptyDraft(today: string): Draft {
  return {
    version: 1,
    savedAt: null,
    step: 0,
    objective: null,
    campaignName: '',
    budgetType: 'DAILY',
    budget: '',
    startDate: today,
    endDate: '',
    bidStrategy: 'AUTOMATIC_BID',
    bid: '',
    pacing: 'STANDARD',
    interests: [],
    keywords: '',
    locations: [],
    ageBuckets: [],
    genders: [],
    devices: [],
    imageUrl: '',
    title: '',
    description: '',
    link: '',
    launched: {},
  };
}

/**
 * Drafts are kept in this browser's localStorage, one per ad account (not on the API:
 * a DRAFT campaign there would need an ad group with a budget before the person has
 * chosen one). They survive reloads and sign-outs on this device only.
 */
const draftKey = (accountId: string) => `loupe.campaign-draft.${accountId}`;

export function loadDraft(accountId: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(accountId));
    if (!raw) return null;
    const draft = JSON.parse(raw) as Draft;
    return draft.version === 1 ? draft : null;
  } catch {
    return null;
  }
}

export function saveDraft(accountId: string, draft: Draft): Draft {
  const saved = { ...draft, savedAt: Date.now() };
  try {
    window.localStorage.setItem(draftKey(accountId), JSON.stringify(saved));
  } catch {
    /* storage full or disabled: the draft lives as long as the page */
  }
  return saved;
}

export function discardDraft(accountId: string): void {
  try {
    window.localStorage.removeItem(draftKey(accountId));
  } catch {
    /* nothing stored */
  }
}

export const billableEventOf = (objective: WizardObjective | null) => (objective === 'AWARENESS' ? 'IMPRESSION' : 'CLICKTHROUGH');

/** Calendar days the schedule covers, both ends included; null without an end date. */
export function scheduleDays(draft: Pick<Draft, 'startDate' | 'endDate'>): number | null {
  if (!draft.endDate) return null;
  return daysBetween(draft.startDate, draft.endDate) + 1;
}

function issue(schema: z.ZodType, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const message = parsed.error.issues[0]?.message ?? 'Invalid value.';
  return message.charAt(0).toUpperCase() + message.slice(1) + (message.endsWith('.') ? '' : '.');
}

function nextDay(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The targeting spec the draft describes, in the API's canonical form. */
export function targetingSpecOf(draft: Draft): TargetingSpec {
  const spec: Record<string, unknown> = {
    INTEREST: draft.interests,
    LOCATION: draft.locations,
    AGE_BUCKET: draft.ageBuckets,
    GENDER: draft.genders,
    APPTYPE: draft.devices,
    KEYWORD: keywordList(draft.keywords).map((value) => ({ value, match_type: 'BROAD' })),
  };
  const parsed = targetingSpecSchema.safeParse(spec);
  return parsed.success ? parsed.data : {};
}

export function keywordList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

/** Field errors of one step; empty when the person may go on. */
export function validateStep(step: number, draft: Draft, currency: string, today: string, bidFloorMicros?: number): FieldErrors {
  const errors: FieldErrors = {};
  if (step === 0) {
    if (!draft.objective) errors.objective = 'Choose what the campaign should achieve.';
    errors.campaignName = issue(objectNameSchema, draft.campaignName);
  }
  if (step === 1) {
    const budget = parseMoney(draft.budget, currency);
    errors.budget = budget.ok ? issue(budgetMicrosSchema, budget.micros) : budget.message;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.startDate)) errors.startDate = 'Choose a start date.';
    else if (draft.startDate < today) errors.startDate = 'The start date is in the past; choose today or later.';
    if (draft.budgetType === 'LIFETIME' && !draft.endDate) errors.endDate = 'A lifetime budget needs an end date to spread it over.';
    if (draft.endDate && draft.endDate < draft.startDate) errors.endDate = 'The end date must not be before the start date.';
    if (draft.bidStrategy === 'MAX_BID') {
      const bid = parseMoney(draft.bid, currency);
      errors.bid = bid.ok ? issue(bidMicrosSchema, bid.micros) : bid.message;
      if (!errors.bid && budget.ok && bid.ok && bid.micros > budget.micros) errors.bid = 'The bid must not be more than the budget.';
      if (!errors.bid && bid.ok && bidFloorMicros !== undefined && bid.micros < bidFloorMicros) {
        errors.bid = `The bid must be at least ${formatMoney(bidFloorMicros, currency)}, the lowest bid the auction accepts (the bid floor).`;
      }
    }
  }
  if (step === 2) {
    const spec = targetingSpecSchema.safeParse({ KEYWORD: keywordList(draft.keywords).map((value) => ({ value, match_type: 'BROAD' })) });
    if (!spec.success) errors.keywords = spec.error.issues[0]?.message;
  }
  if (step === 3) {
    const pin = pinCreateBodySchema.safeParse(pinBodyOf(draft));
    if (!draft.imageUrl.trim()) errors.imageUrl = 'Enter the address of the image to promote.';
    if (!draft.link.trim()) errors.link = 'Enter where people go when they click the pin.';
    if (!pin.success) {
      for (const i of pin.error.issues) {
        const key = i.path[0] === 'media_source' ? 'imageUrl' : String(i.path[0]);
        errors[key] ??= i.message.charAt(0).toUpperCase() + i.message.slice(1) + '.';
      }
    }
  }
  for (const key of Object.keys(errors)) if (errors[key] === undefined) delete errors[key];
  return errors;
}

export function pinBodyOf(draft: Draft): PinCreateBody {
  return {
    title: draft.title,
    description: draft.description,
    link: draft.link.trim() || null,
    alt_text: draft.title || null,
    media_source: { source_type: 'image_url', url: draft.imageUrl.trim() },
  } as PinCreateBody;
}

export function campaignItemOf(draft: Draft): CampaignCreateItem {
  return campaignCreateItemSchema.parse({ name: draft.campaignName, objective_type: draft.objective, status: 'ACTIVE' });
}

export function adGroupItemOf(draft: Draft, campaignId: string, currency: string, timezone: string, today: string): AdGroupCreateItem {
  const budget = parseMoney(draft.budget, currency);
  const bid = parseMoney(draft.bid, currency);
  return adGroupCreateItemSchema.parse({
    campaign_id: campaignId,
    name: `${draft.campaignName} · ad group`,
    status: 'ACTIVE',
    billable_event: billableEventOf(draft.objective),
    budget_type: draft.budgetType,
    budget_in_micro_currency: budget.ok ? budget.micros : undefined,
    bid_strategy_type: draft.bidStrategy,
    bid_in_micro_currency: draft.bidStrategy === 'MAX_BID' && bid.ok ? bid.micros : null,
    pacing_delivery_type: draft.pacing ?? 'STANDARD',
    // Today starts now (the API's default); a later day starts at its midnight in the account's timezone.
    start_time: draft.startDate > today ? startOfDayIn(draft.startDate, timezone) : undefined,
    end_time: draft.endDate ? startOfDayIn(nextDay(draft.endDate), timezone) : undefined,
    targeting_spec: targetingSpecOf(draft),
  });
}

export const AGE_OPTIONS: readonly AgeBucket[] = AGE_BUCKETS.filter((b) => !b.endsWith('+') || b === '65+');
export const GENDER_OPTIONS = GENDERS;
export const DEVICE_OPTIONS = APP_TYPES;
