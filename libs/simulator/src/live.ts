/**
 * Live mode's plan (docs/simulator.md, "Live mode"): what the HTTP driver asks and does,
 * decided here without I/O so a seed reproduces it. Request i of a run is drawn from its
 * own stream `(seed, 'live-request', i)`, and the reactions to slot s of request i from
 * `(seed, 'live-impression', i, s)`: two runs with the same seed send the same serve
 * requests in the same order and, wherever the server answers with the same ads, react
 * to them identically — whatever the timing. (Auction ids are the server's, random per
 * run, so live mode keys its decisions by request index, not by auction id.)
 */
import { isReserveCurrency, type ServingPlacement } from '@loupe/auction';
import { conversionDelayMinutes, conversionValueMicros } from './conversions';
import { matchScore, propensities, type ImpressionOutcome, type ServeContext, type SimAd } from './engagement';
import type { SimulatedPopulation, SimUser } from './population';
import { bernoulli, logNormal, streamRandom, type Random } from './random';
import { pickRequest, type SimRequest } from './requests';
import { demoMarketplace, simAdOf, type CatalogAccount, type CatalogAdGroup, type CatalogAdvertiser } from './advertisers';
import { INTEREST_KEYS, type InterestKey } from './vocabulary';

/** Ads asked for per request: a feed page shows a few promoted pins, a search page two, a related-pins strip one. */
export const LIVE_SLOTS: Readonly<Record<ServingPlacement, number>> = { BROWSE: 3, SEARCH: 2, OTHER: 1 };

/** Request `index` of a live run at `utcMs` (the traffic curves read the visitor's local time at that instant). */
export function liveRequest(seed: number, population: SimulatedPopulation, index: number, utcMs: number): SimRequest | undefined {
  return pickRequest(streamRandom(seed, 'live-request', index), population, utcMs);
}

/** The body's `user` of `POST /internal/serve` for a request (the person's hashed key and segments, the query on SEARCH). */
export interface LiveServeUser {
  id: string;
  interests: string[];
  query?: string;
  location: string;
  age_bucket: string;
  gender: string;
  app_type: string;
  locale: string;
}

export function liveServeUser(request: SimRequest): LiveServeUser {
  const { user } = request;
  return {
    id: user.id,
    interests: user.interests,
    ...(request.search ? { query: request.search.query } : {}),
    location: user.location,
    age_bucket: user.ageBucket,
    gender: user.gender,
    app_type: user.appType,
    locale: user.locale,
  };
}

/** The generator of slot `slot` of live request `index`. */
export function liveImpressionRandom(seed: number, index: number, slot: number): Random {
  return streamRandom(seed, 'live-impression', index, slot);
}

/** A live impression's reactions plus when (after the impression beacon) each happens. */
export interface LiveImpressionPlan extends ImpressionOutcome {
  /** Milliseconds after the impression: close-up, save, click (each only if it happens). */
  closeupAfterMs: number;
  saveAfterMs: number;
  clickAfterMs: number;
}

/** A person's click comes at least this long after the impression (tracking flags clicks under 800 ms as invalid). */
export const MIN_CLICK_DELAY_MS = 1_000;
/** And at most this long: a demo shows clicks within seconds. */
export const MAX_REACTION_DELAY_MS = 20_000;

const reactionDelay = (random: Random, medianMs: number): number =>
  Math.round(Math.min(MAX_REACTION_DELAY_MS, Math.max(MIN_CLICK_DELAY_MS, logNormal(random, medianMs, 0.6))));

/**
 * The reactions to one impression: `decideImpression`'s draws in the same order (so
 * with `boost` 1 the same outcome from the same generator), with every propensity
 * multiplied by `boost` (capped at 1) — a demo or test knob that makes rare clicks and
 * conversions visible in seconds; 1 is the model. Then the reaction delays: close-up
 * ~2 s, save ~4 s, click ~3 s after the impression (log-normal, σ 0.6, within 1–20 s).
 */
export function decideLiveImpression(random: Random, user: SimUser, ad: SimAd, context: ServeContext, boost = 1): LiveImpressionPlan {
  if (!(boost >= 1)) throw new RangeError('boost is at least 1');
  const m = matchScore(user, ad, context);
  const p = propensities(m, ad.conversionType);
  const boosted = (x: number) => Math.min(1, x * boost);
  const closeup = bernoulli(random, boosted(p.closeup));
  const save = bernoulli(random, boosted(p.save));
  const click = bernoulli(random, boosted(p.click));
  const converts = bernoulli(random, boosted(click ? p.conversionGivenClick : p.viewConversion));
  const conversion = converts
    ? {
        type: ad.conversionType,
        valueMicros: conversionValueMicros(random, ad.conversionType, ad.valueScale, ad.currency),
        delayMs: Math.round(conversionDelayMinutes(random, ad.conversionType) * 60_000),
        afterClick: click,
      }
    : null;
  return {
    matchScore: m,
    closeup,
    save,
    click,
    conversion,
    closeupAfterMs: reactionDelay(random, 2_000),
    saveAfterMs: reactionDelay(random, 4_000),
    clickAfterMs: reactionDelay(random, 3_000),
  };
}

/**
 * A model delay compressed for live mode: multiplied by `scale` and capped at `capMs`
 * (a day-later checkout cannot wait a day in a demo), never under one second.
 */
export function compressDelay(delayMs: number, scale: number, capMs: number): number {
  return Math.max(1_000, Math.min(capMs, Math.round(delayMs * scale)));
}

/** The creative category a catalog link carries (`utm_content=<category>`), if any. */
export function categoryOfLink(link: string | null | undefined): InterestKey | undefined {
  const match = /[?&]utm_content=([a-z_]+)/.exec(link ?? '');
  const key = match?.[1];
  return key && (INTEREST_KEYS as readonly string[]).includes(key) ? (key as InterestKey) : undefined;
}

/** A catalog ad group with its account, found by the names the management API shows. */
export interface CatalogAdGroupEntry {
  account: CatalogAccount;
  adGroup: CatalogAdGroup;
}

/** The key of an ad group: its account's, campaign's and own names (the demo seeder looks objects up by these names too). */
export const catalogAdGroupKey = (accountName: string, campaignName: string, adGroupName: string): string => `${accountName}\u0000${campaignName}\u0000${adGroupName}`;

/** Every catalog ad group by `catalogAdGroupKey` (a product's link may appear in several ad groups, so links alone do not identify an ad). */
export function catalogAdGroups(advertisers: readonly CatalogAdvertiser[]): Map<string, CatalogAdGroupEntry> {
  const byKey = new Map<string, CatalogAdGroupEntry>();
  for (const advertiser of advertisers)
    for (const account of advertiser.accounts)
      for (const campaign of account.campaigns) for (const adGroup of campaign.adGroups) byKey.set(catalogAdGroupKey(account.name, campaign.name, adGroup.name), { account, adGroup });
  return byKey;
}

/** The demo marketplace's ad groups (what the demo seeder created with `seed`). */
export function demoAdGroups(seed: number): Map<string, CatalogAdGroupEntry> {
  const demo = demoMarketplace(seed);
  return catalogAdGroups([demo.smb, demo.agency]);
}

/**
 * The model's view of a served ad: from its catalog ad group when the served ad group
 * is one (the creative found by its link, else the group's first creative's category);
 * else (an ad the simulator did not create) untargeted, with the link's category if it
 * carries one, a checkout conversion and the median basket. Undefined when the model
 * cannot say (no category, or a currency without a static conversion factor).
 */
export function simAdOfServed(entry: CatalogAdGroupEntry | undefined, link: string | null | undefined, currency: string): SimAd | undefined {
  if (entry) {
    const ad = entry.adGroup.ads.find((a) => a.pin.link === link) ?? entry.adGroup.ads[0];
    if (ad) return simAdOf(entry.account, entry.adGroup, ad);
  }
  const category = categoryOfLink(link);
  return category && isReserveCurrency(currency) ? { category, targeting: {}, conversionType: 'checkout', valueScale: 1, currency } : undefined;
}
