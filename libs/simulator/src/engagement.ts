/**
 * What a person does with a promoted pin they are shown. Every propensity rises with a
 * match score m ∈ [0, 1] that says how well the ad fits the person:
 *
 *   m = 0.50 · [the creative's category is one of the person's interests]
 *     + 0.25 · [the ad group's INTEREST targeting includes the creative's category]
 *     + 0.10 · [the ad group narrows AGE_BUCKET or GENDER (the catalog: to the vertical's audience)]
 *     + 0.15 · [SEARCH, and the person searched for the creative's category]
 *
 * and is 0 for a person the targeting does not reach at all (the serving path would
 * not show the ad). The second and third terms reward targeting that agrees with the
 * creative: a reached person then holds the category or a related interest, and is in
 * the audience the product is for. Targeting an unrelated interest earns neither, so a
 * mismatched ad group does no better than a broad one while reaching fewer people.
 *
 * Each rate is linear in m between its m = 0 and m = 1 values (`ENGAGEMENT_RATES`,
 * `CONVERSION_RATES`). Click and conversion rates both rise, so an ad group that
 * targets the people its creative is about earns more conversions per click and per
 * impression — a visibly better ROAS — than a broad or mismatched one bidding the same.
 */
import type { ServingPlacement } from '@loupe/auction';
import { bernoulli, streamRandom, type Random } from './random';
import { conversionDelayMinutes, conversionValueMicros, type ConversionType } from './conversions';
import { interestId, type InterestKey } from './vocabulary';
import { targets, type SimTargetingSpec } from './targeting';
import type { SimUser } from './population';

export const MATCH_WEIGHTS = { creative: 0.5, alignedInterest: 0.25, demographic: 0.1, searchIntent: 0.15 } as const;

/** What the model needs to know about a served ad. */
export interface SimAd {
  /** The interest the creative is about. */
  category: InterestKey;
  targeting: SimTargetingSpec;
  conversionType: ConversionType;
  /** Multiplies conversion values (an advertiser's basket size relative to the type's median). */
  valueScale: number;
  /** The ad account's currency: conversion values are in its micros. */
  currency: string;
}

export interface ServeContext {
  placement: ServingPlacement;
  /** SEARCH only: the interest searched for and the query typed. */
  search?: { interest: InterestKey; query: string };
}

/** How well `ad` fits `user` in `context`, in [0, 1] (see the module comment). */
export function matchScore(user: SimUser, ad: SimAd, context: ServeContext): number {
  if (!targets(ad.targeting, user, context.placement, context.search?.query)) return 0;
  let m = 0;
  if (user.interestKeys.includes(ad.category)) m += MATCH_WEIGHTS.creative;
  if (ad.targeting.INTEREST?.includes(interestId(ad.category))) m += MATCH_WEIGHTS.alignedInterest;
  if ((ad.targeting.AGE_BUCKET?.length ?? 0) > 0 || (ad.targeting.GENDER?.length ?? 0) > 0) m += MATCH_WEIGHTS.demographic;
  if (context.placement === 'SEARCH' && context.search?.interest === ad.category) m += MATCH_WEIGHTS.searchIntent;
  return Math.min(1, m);
}

/** Per-impression rates at m = 0 and m = 1. CLICK is the outbound click (the billable CLICKTHROUGH). */
export const ENGAGEMENT_RATES = {
  CLOSEUP: { low: 0.008, high: 0.035 },
  SAVE: { low: 0.001, high: 0.008 },
  CLICK: { low: 0.002, high: 0.02 },
} as const;

/** P(conversion | click) at m = 0 and m = 1, by conversion type. */
export const CONVERSION_RATES: Readonly<Record<ConversionType, { low: number; high: number }>> = {
  checkout: { low: 0.01, high: 0.06 },
  add_to_cart: { low: 0.03, high: 0.12 },
  signup: { low: 0.04, high: 0.15 },
  lead: { low: 0.02, high: 0.1 },
};

/** P(view-through conversion | impression without a click), at m = 0 and m = 1. */
export const VIEW_CONVERSION_RATE = { low: 0.00002, high: 0.0002 } as const;

// low·(1−m) + high·m is exact at both ends (m = 1 gives `high` to the last bit).
const lerp = (rate: { low: number; high: number }, m: number): number => rate.low * (1 - m) + rate.high * m;

export interface Propensities {
  closeup: number;
  save: number;
  click: number;
  conversionGivenClick: number;
  viewConversion: number;
}

export function propensities(m: number, conversionType: ConversionType): Propensities {
  if (!(m >= 0 && m <= 1)) throw new RangeError('a match score is in [0, 1]');
  return {
    closeup: lerp(ENGAGEMENT_RATES.CLOSEUP, m),
    save: lerp(ENGAGEMENT_RATES.SAVE, m),
    click: lerp(ENGAGEMENT_RATES.CLICK, m),
    conversionGivenClick: lerp(CONVERSION_RATES[conversionType], m),
    viewConversion: lerp(VIEW_CONVERSION_RATE, m),
  };
}

export interface SimConversion {
  type: ConversionType;
  /** Integer micros of the ad's currency. */
  valueMicros: number;
  /** After the click (or the impression for a view-through conversion), whole milliseconds. */
  delayMs: number;
  /** True when it follows a click, false for a view-through conversion. */
  afterClick: boolean;
}

export interface ImpressionOutcome {
  matchScore: number;
  closeup: boolean;
  save: boolean;
  click: boolean;
  conversion: SimConversion | null;
}

/**
 * The person's reactions to one impression. Close-up, save and click are independent
 * draws; a click may convert (P(conversion | click)), an impression without a click
 * may convert through the view window.
 */
export function decideImpression(random: Random, user: SimUser, ad: SimAd, context: ServeContext): ImpressionOutcome {
  const m = matchScore(user, ad, context);
  const p = propensities(m, ad.conversionType);
  const closeup = bernoulli(random, p.closeup);
  const save = bernoulli(random, p.save);
  const click = bernoulli(random, p.click);
  const converts = bernoulli(random, click ? p.conversionGivenClick : p.viewConversion);
  const conversion = converts
    ? {
        type: ad.conversionType,
        valueMicros: conversionValueMicros(random, ad.conversionType, ad.valueScale, ad.currency),
        delayMs: Math.round(conversionDelayMinutes(random, ad.conversionType) * 60_000),
        afterClick: click,
      }
    : null;
  return { matchScore: m, closeup, save, click, conversion };
}

/** The generator of one impression's decisions: the same auction and slot decide the same way in every run of a seed. */
export function impressionRandom(seed: number, auctionId: string, slot: number): Random {
  return streamRandom(seed, 'impression', auctionId, slot);
}
