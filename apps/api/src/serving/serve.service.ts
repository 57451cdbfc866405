import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AuctionResult,
  normaliseWords,
  Outcome,
  runAuction,
  type Bid,
  type BillableEvent,
  type EligibilityLoss,
  type LossReason,
  type RequestContext,
  type Winner,
} from '@loupe/auction';
import type { ServeBody, ServedAd, ServeResponse } from '@loupe/contracts';
import { LOUPE_CONFIG, ServiceUnavailableException, type LoupeConfig } from '@loupe/server-core';
import { LRUCache } from 'lru-cache';
import { signEvent, type SignedEvent } from '../tracking/signed-event';
import { LEASE_MAX_BIDS, BudgetLeases } from './budget-leases';
import { BudgetStore, type SpendLimits, type SpendScope, type WinnerCommit } from './budget-store';
import { ExplainCounters, TARGETING_SAMPLE_RATE } from './explain';
import { DayCache } from './local-time';
import { PacingService } from './pacing.service';
import { QualityScores } from './quality-scores';
import { rankByBound, type Ranking } from './ranking';
import { ServingIndex, type IndexedAd, type IndexedAdGroup, type PlacementIndex } from './serving-index';

/** The serve path's randomness (ad rotation, pacing throttles, TARGETING sampling), injected for tests. */
export const SERVING_RANDOM = Symbol('SERVING_RANDOM');
export type RandomSource = () => number;

/**
 * A winner pays one hundredth of a currency unit (USD-equivalent, see `toUsd`) more than
 * the least that keeps its slot, in its own bid unit: 0.01 per thousand impressions for
 * IMPRESSION billing (OpenRTB's "second price + 0.01" on a CPM), 0.01 per click for
 * CLICKTHROUGH. Per billable event: 10 micros per impression, 10,000 per click.
 */
export const MIN_INCREMENT_MICROS: Readonly<Record<BillableEvent, number>> = { IMPRESSION: 10, CLICKTHROUGH: 10_000 };
/** Auctions re-run to refill slots whose winner could not reserve (budget, frequency), at most this often. */
export const MAX_REFILL_ROUNDS = 3;
/** After a refused reservation an ad group sits out this long before Redis is asked again. */
const EXHAUSTED_RECHECK_MS = 2_000;
/** Auction results kept for reuse between requests (one per request in flight); more are let go. */
const MAX_SPARE_RESULTS = 64;

export interface Candidate extends Bid {
  group: IndexedAdGroup;
  ad: IndexedAd;
  day: string;
  /** The bid per billable event in the account's currency (the auction itself runs in USD-equivalent micros). */
  localBidMicros: number;
  localReserveMicros: number;
}

/**
 * A request's candidates: objects made once and refilled by each request that takes the
 * arena (every field assigned, in one order: one hidden class for the engine's loop), so
 * a request allocates none per candidate. A request holds its arena until its explain
 * counts are taken (across a Redis round trip, if it needs one); winners are copied out
 * as `Placed` before it goes back.
 */
export class CandidateArena {
  readonly list: Candidate[] = [];
  private readonly made: Candidate[] = [];

  /** The next candidate object, appended to `list`; the caller sets every field. */
  next(): Candidate {
    const n = this.list.length;
    let c = this.made[n];
    if (c === undefined) {
      c = {
        id: '',
        bidMicros: 0,
        reserveMicros: 0,
        billableEvent: 'IMPRESSION',
        eventProbability: 1,
        ineligible: undefined,
        group: null as unknown as IndexedAdGroup,
        ad: null as unknown as IndexedAd,
        day: '',
        localBidMicros: 0,
        localReserveMicros: 0,
      };
      this.made.push(c);
    }
    this.list.push(c);
    return c;
  }

  /** Empties `list`; the objects stay for the next request (their references to ad groups with them, until overwritten). */
  clear(): void {
    this.list.length = 0;
  }
}

/** A winner admitted to a slot: what the answer needs of it, copied out of the request's candidates (which are reused). */
export interface Placed {
  group: IndexedAdGroup;
  ad: IndexedAd;
  day: string;
  priceMicros: number;
}

/** A serve answer as JSON text, with its length in UTF-8 bytes (the Content-Length). */
export interface ServeAnswerJson {
  json: string;
  bytes: number;
}

type Commit = { ok: true; priceMicros: number } | { ok: false; reason: 'BUDGET' | 'FREQUENCY_CAP' };

/** One request's auction rounds (`ServeService.rounds`). */
interface Rounds {
  body: ServeBody;
  nowMs: number;
  /** Every eligible and ineligible candidate of the request. */
  candidates: Candidate[];
  /** Those the next round runs over. */
  pool: Candidate[];
  placed: Placed[];
  refused: Map<string, LossReason> | null;
  result: AuctionResult<Candidate>;
  round: number;
  /** What each of the last round's losers counts for in the explain counts; 0: they are not counted. */
  lossWeight: number;
  /** Adds the candidates a ranked scan stopped before (`ServeService.rankedCandidates`); null once none are left. */
  rest: (() => void) | null;
}

/** One request's walk over a placement's ad groups (`ServeService.candidate`). */
interface Scan {
  arena: CandidateArena;
  index: PlacementIndex;
  audience: Uint32Array;
  days: DayCache;
  userId: string;
  nowMs: number;
  nowSeconds: number;
  exhaustedAny: boolean;
}

// Bound once: calls through the library's re-exports would go through a getter each time
// (in countLosers, the getters of `Outcome` and `lossReasonOf` were 1.5% of the busy time).
const auction = runAuction;
const WON: number = Outcome.WON;
const TARGETING: number = Outcome.TARGETING;
const NO_WORDS: readonly string[] = [];

/** Back from the auction's USD-equivalent micros (`toUsd`, serving-index.ts), rounded up. */
const fromUsd = (usdMicros: number, perUsdMillionths: number): number => Math.ceil((usdMicros * perUsdMillionths) / 1_000_000 - 1e-9);

/**
 * POST /internal/serve (docs/serving.md): eligibility over the in-memory index, the GSP
 * auction (libs/auction), then for each winner an atomic reservation in Redis before
 * the ad is returned with signed tracking URLs. No Postgres on this path.
 */
@Injectable()
export class ServeService {
  /** Ad groups whose last reservation was refused, by ad group: the day and when to ask Redis again. */
  private readonly exhausted = new Map<string, { day: string; untilMs: number }>();
  /** (ad group, user, day) that reached a frequency cap: they lose FREQUENCY_CAP without a round trip. */
  private readonly capped = new LRUCache<string, true>({ max: 200_000, ttl: 3_600_000 });
  /**
   * Auction results to run the next auctions into, so their per-candidate arrays are not
   * allocated per request. A request holds one from its first auction until it has counted
   * the losers (across the Redis await), so each request in flight has its own.
   */
  private readonly spareResults: AuctionResult<Candidate>[] = [];
  /** Candidate objects to fill for the next requests, as `spareResults` (one per request in flight). */
  private readonly spareArenas: CandidateArena[] = [];
  /** Each placement index's ad groups by the most they could bid (`Ranking`), while the index and the scores last. */
  private readonly rankings = new WeakMap<PlacementIndex, Ranking>();
  private readonly publicUrl: string;
  private readonly secret: string;

  constructor(
    private readonly index: ServingIndex,
    private readonly budgets: BudgetStore,
    private readonly pacing: PacingService,
    private readonly quality: QualityScores,
    private readonly explain: ExplainCounters,
    @Inject(SERVING_RANDOM) private readonly random: RandomSource,
    @Inject(LOUPE_CONFIG) config: LoupeConfig,
    /** Without it (the backfill's simulated time) every winner goes to Redis and no lease is taken. */
    @Optional() @Inject(BudgetLeases) private readonly leases: BudgetLeases | null = null,
  ) {
    this.publicUrl = config.api.publicUrl.replace(/\/$/, '');
    this.secret = config.tracking.secret;
    const prefix = (path: string) => JSON.stringify(`${this.publicUrl}${path}`).slice(0, -1);
    const impression = prefix('/t/i/');
    const click = prefix('/t/c/');
    const engagement = prefix('/t/e/');
    const extra = (s: string) => Buffer.byteLength(s) - s.length;
    this.answerUrls = { impression, click, engagement, extraBytes: extra(impression) + extra(click) + extra(engagement) };
  }

  /** The answer as an object (the Fastify route, the backfill, tests). */
  async serve(body: ServeBody, nowMs = Date.now()): Promise<ServeResponse> {
    const placed = await this.place(body, nowMs);
    return this.answer(placed, randomUUID(), body, Math.floor(nowMs / 1000));
  }

  /** `serve`'s answer for ads already placed (public for serve-answer.spec.ts). */
  answer(placed: readonly Placed[], auctionId: string, body: ServeBody, nowSeconds: number): ServeResponse {
    return { auction_id: auctionId, ads: placed.map((p, slot) => this.present(p, slot, auctionId, body, nowSeconds)) };
  }

  /**
   * The same answer as `serve`, as its JSON text and byte length (the raw route). Made by
   * concatenation: each ad's fixed members were written once when the index was loaded
   * (`IndexedAd.answerMembers`), and the rest is numbers, the signed token (base64url)
   * and URL prefixes encoded once — JSON.stringify of the whole answer was about 6% of a
   * serve request's time. serve-answer.spec.ts checks it parses to what `answer` returns.
   */
  serveJson(body: ServeBody, nowMs = Date.now()): ServeAnswerJson | Promise<ServeAnswerJson> {
    const placed = this.place(body, nowMs);
    if (placed instanceof Promise) return placed.then((p) => this.answerJson(p, randomUUID(), body, Math.floor(nowMs / 1000)));
    return this.answerJson(placed, randomUUID(), body, Math.floor(nowMs / 1000));
  }

  /** `serveJson`'s text for ads already placed (public for serve-answer.spec.ts). */
  answerJson(placed: readonly Placed[], auctionId: string, body: ServeBody, nowSeconds: number): ServeAnswerJson {
    const urls = this.answerUrls;
    let json = `{"auction_id":${JSON.stringify(auctionId)},"ads":[`;
    let extraBytes = 0;
    for (let slot = 0; slot < placed.length; slot++) {
      const p = placed[slot]!;
      const { group: g, ad } = p;
      const token = signEvent(this.signedEvent(p, slot, auctionId, body, nowSeconds), this.secret);
      if (slot > 0) json += ',';
      json +=
        `{"slot":${slot},${ad.answerMembers},"price_micro_currency":${p.priceMicros},"currency":${g.currencyJson},` +
        `"impression_url":${urls.impression}${token}","click_url":${urls.click}${token}","engagement_url":${urls.engagement}${token}"}`;
      extraBytes += ad.answerMembersExtraBytes + urls.extraBytes;
    }
    json += ']}';
    return { json, bytes: json.length + extraBytes };
  }

  /** Where the raw route's answer puts the tracking URLs: PUBLIC_URL + path, JSON-encoded once (without the closing quote). */
  private readonly answerUrls: { impression: string; click: string; engagement: string; extraBytes: number };

  /**
   * The winners placed by the auction and admitted by the budget store, in slot order:
   * at once when every winner was admitted in memory (budget leases, the usual case),
   * else a promise (a Redis round trip). No promise, no microtask on the usual path.
   *
   * An auction whose losers are counted (`ExplainCounters.lossWeight`: every auction while
   * the process is not busy, a weighted sample beyond) takes every ad group the user
   * matches as a candidate. The others take them in order of the highest eCPM each could
   * bid (`Ranking`) and stop once the winners and the runner-up are certain: no ad group
   * left could bid above the last of them. Both give the same winners at the same prices
   * (serve-ranked.spec.ts); the second looks at a handful of ad groups instead of all.
   */
  private place(body: ServeBody, nowMs: number): Placed[] | Promise<Placed[]> {
    const nowSeconds = Math.floor(nowMs / 1000);
    const { user, placement } = body;
    const request: RequestContext = {
      placement,
      ageBucket: user.age_bucket,
      gender: user.gender,
      location: user.location,
      locale: user.locale,
      appType: user.device ?? user.app_type,
      interests: user.interests,
      // Keywords decide only on SEARCH (targeting-match.ts): elsewhere the query is not read.
      queryWords: placement === 'SEARCH' ? normaliseWords(user.keywords ?? user.query ?? '') : NO_WORDS,
    };
    const lossWeight = this.explain.lossWeight(this.random);
    const sampleTargeting = lossWeight > 0 && this.random() < 1 / TARGETING_SAMPLE_RATE;

    // The request's candidates are objects reused from request to request (`CandidateArena`).
    const arena = this.spareArenas.pop() ?? new CandidateArena();
    const index = this.index.indexedForPlacement(placement);
    const scan: Scan = {
      arena,
      index,
      // The ad groups whose audience the user is in, from the inverted index (bit i = groups[i]).
      audience: index.audiences.match(request),
      days: new DayCache(nowMs),
      userId: user.id,
      nowMs,
      nowSeconds,
      exhaustedAny: this.exhausted.size > 0,
    };
    let rest: (() => void) | null = null;
    if (lossWeight > 0) {
      if (sampleTargeting) this.countTargeting(scan, TARGETING_SAMPLE_RATE * lossWeight);
      const { audience } = scan;
      for (let w = 0; w < audience.length; w++) {
        let bits = audience[w]!;
        while (bits !== 0) {
          const bit = bits & -bits;
          bits ^= bit;
          this.candidate(scan, w * 32 + (31 - Math.clz32(bit)));
        }
      }
    } else rest = this.rankedCandidates(scan, body.slots + 1);

    // The winners are admitted in one Redis script; a winner refused (budget, frequency
    // cap) frees its slot, and the auction re-runs over the rest for the free slots, so a
    // slot stays empty only when no one else can take it (docs/serving.md "Refilling slots").
    // Every round's auction is run into the same result: the losers counted are the last round's.
    const result = this.spareResults.pop() ?? new AuctionResult<Candidate>();
    const release = (): void => {
      result.clear();
      arena.clear();
      if (this.spareResults.length < MAX_SPARE_RESULTS) {
        this.spareResults.push(result);
        this.spareArenas.push(arena);
      }
    };
    const candidates = arena.list;
    const run: Rounds = { body, nowMs, candidates, pool: candidates, placed: [], refused: null, result, round: 0, lossWeight, rest };
    try {
      const placed = this.rounds(run);
      if (!(placed instanceof Promise)) {
        release();
        return placed;
      }
      return placed.then(
        (p) => {
          release();
          return p;
        },
        (err: unknown) => {
          release();
          throw err;
        },
      );
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * The auction rounds from `run.round` on, then the explain counts. Synchronous while
   * every winner is admitted in memory; from the first round that needs Redis, a promise.
   */
  private rounds(run: Rounds): Placed[] | Promise<Placed[]> {
    const { body, result } = run;
    for (; run.round < MAX_REFILL_ROUNDS && run.placed.length < body.slots && run.pool.length > 0; run.round++) {
      withIncrements(auction(run.pool, { slots: body.slots - run.placed.length, minIncrementMicros: 0 }, result));
      const commits = this.commitAll(result.winners, body.user.id, run.nowMs);
      if (commits instanceof Promise) {
        return commits.then((c) => {
          if (!this.admit(run, c)) return this.finish(run);
          run.round++;
          return this.rounds(run);
        });
      }
      if (!this.admit(run, commits)) break;
    }
    return this.finish(run);
  }

  /** Takes a round's admissions: the admitted are placed; true when some were refused (another round may fill their slots). */
  private admit(run: Rounds, commits: readonly Commit[]): boolean {
    const winners = run.result.winners;
    let refusedNow = false;
    for (let i = 0; i < commits.length; i++) {
      const commit = commits[i]!;
      const winner = winners[i]!.bid;
      if (commit.ok) run.placed.push({ group: winner.group, ad: winner.ad, day: winner.day, priceMicros: commit.priceMicros });
      else {
        (run.refused ??= new Map()).set(winner.id, commit.reason);
        refusedNow = true;
      }
    }
    if (refusedNow) {
      // A ranked scan left out the ad groups that could not win; now they might. Until a
      // refusal the pool is still every candidate (`candidates` itself), so they join it.
      if (run.rest !== null) {
        run.rest();
        run.rest = null;
      }
      const out = run.refused!;
      const placed = run.placed;
      run.pool = run.pool.filter((c) => !out.has(c.id) && !placed.some((p) => p.group.adGroupId === c.id));
    }
    return refusedNow;
  }

  /** The explain counts of an auction's placements, refusals and last round's losers; its placements. */
  private finish(run: Rounds): Placed[] {
    const { placed, refused, candidates } = run;
    for (const p of placed) this.explain.won(p.group.adGroupId, p.day, p.group.explainSlot);
    if (refused) {
      for (const [adGroupId, reason] of refused) {
        const candidate = candidates.find((c) => c.id === adGroupId)!;
        this.explain.lost(adGroupId, candidate.day, reason, null, 1, candidate.group.explainSlot);
      }
    }
    // A result no auction ran into (no candidates, no slots) has no losers.
    if (run.lossWeight > 0) this.countLosers(run.result, refused, run.lossWeight);
    return placed;
  }

  /**
   * Every winner admitted or refused, in slot order. Winners of ad groups without
   * frequency caps are admitted in memory when they can be (`BudgetLeases`: an IMPRESSION
   * price charged to this process's lease of the budget, a CPC winner's room for one
   * more click read from a view under a second old); the others go to Redis together in
   * one script (`BudgetStore.admitWinners`): each winner's budget first, then its
   * frequency caps, nothing charged or counted for a winner refused by either, and a new
   * lease wished for each uncapped IMPRESSION winner. If Redis fails the request fails
   * with a 503: an ad that is not returned is not paid for.
   */
  private commitAll(winners: readonly Winner<Candidate>[], userKey: string, nowMs: number): Commit[] | Promise<Commit[]> {
    const commits: Commit[] = [];
    const leases = this.leases;
    let remote: { index: number; commit: WinnerCommit }[] | null = null;
    for (let i = 0; i < winners.length; i++) {
      const c = winners[i]!.bid;
      const g = c.group;
      const priceMicros = Math.max(c.localReserveMicros, Math.min(c.localBidMicros, fromUsd(winners[i]!.priceMicros, g.perUsdMillionths)));
      const scope: SpendScope = { campaignId: g.campaignId, adGroupId: g.adGroupId, day: c.day };
      const limits = this.pacing.limits(g, c.day, nowMs);
      const impression = g.billableEvent === 'IMPRESSION';
      commits.push({ ok: true, priceMicros });
      const inMemory = leases !== null && !g.frequencyCapped;
      if (inMemory && (impression ? leases.charge(scope, limits, priceMicros, nowMs) : leases.hasRoomForClick(scope, limits, c.localBidMicros, nowMs))) {
        if (impression ? leases.leaseToTopUp(g.adGroupId) : leases.viewToRefresh(g.adGroupId, nowMs)) this.refreshAhead(leases, g.billableEvent, scope, limits, c.localBidMicros, userKey, nowMs);
        continue;
      }
      (remote ??= []).push({
        index: i,
        commit: {
          scope,
          limits,
          billableEvent: g.billableEvent,
          micros: impression ? priceMicros : c.localBidMicros,
          userKey,
          lifetimeFrequencyCap: g.lifetimeFrequencyCap,
          dailyFrequencyCap: g.dailyFrequencyCap,
          leaseMicros: impression && inMemory ? LEASE_MAX_BIDS * c.localBidMicros : 0,
          returnMicros: impression && inMemory ? leases.release(g.adGroupId) : 0,
        },
      });
    }
    if (remote === null) return commits;
    const sent = remote;
    return this.budgets.admitWinners(sent.map((r) => r.commit)).then(
      (admissions) => {
        for (let j = 0; j < sent.length; j++) {
          const { index, commit } = sent[j]!;
          const admission = admissions[j]!;
          const c = winners[index]!.bid;
          if (leases !== null && !c.group.frequencyCapped) leases.admitted(commit.scope, commit.limits, admission, nowMs);
          if (admission.outcome === 'OK') continue;
          if (admission.outcome === 'BUDGET') {
            // A lease granted meanwhile to another request of this process may hold what is
            // left: its impressions are charged in memory, so the ad group sits out only
            // once this process holds nothing for it (else the lease would wait, unspent,
            // for its idle give-back while every process refuses the ad group).
            if (leases === null || leases.held(c.group.adGroupId) === 0) this.exhausted.set(c.group.adGroupId, { day: c.day, untilMs: nowMs + EXHAUSTED_RECHECK_MS });
          } else this.capped.set(cappedKey(c.group.adGroupId, userKey, c.day), true);
          commits[index] = { ok: false, reason: admission.outcome };
        }
        return commits;
      },
      (err: unknown) => {
        // A remainder sent back with the script is not retried: the script may have run with
        // only its answer lost, and giving it back twice could let spend pass the budget.
        // Left reserved, it is under-delivery (less than one price).
        throw new ServiceUnavailableException(`The ad server cannot reach its budget store; retry the request. (${String(err)})`);
      },
    );
  }

  /**
   * Refresh ahead, in the background, while the ad group's lease or view still answers:
   * for an IMPRESSION ad group, a lease top-up (the admission script with nothing charged
   * and no impression counted: a lease of `LEASE_MAX_BIDS` maximum bids wished for, under
   * the same limits and quarter-of-the-room share as any lease); for a CPC ad group, a
   * re-read of its room (the same script, which charges nothing for CPC), whose view dates
   * from now, when it was sent. A failure is left for a later winner to retry; until then
   * the lease runs out or the view ages out as usual, and winners go to Redis.
   */
  private refreshAhead(leases: BudgetLeases, billableEvent: BillableEvent, scope: SpendScope, limits: SpendLimits, maxBidMicros: number, userKey: string, nowMs: number): void {
    const topUp = billableEvent === 'IMPRESSION';
    const commit: WinnerCommit = topUp
      ? { scope, limits, billableEvent, micros: 0, leaseMicros: LEASE_MAX_BIDS * maxBidMicros, leaseUnitMicros: maxBidMicros, userKey, lifetimeFrequencyCap: null, dailyFrequencyCap: null }
      : { scope, limits, billableEvent, micros: maxBidMicros, userKey, lifetimeFrequencyCap: null, dailyFrequencyCap: null };
    this.budgets.admitWinners([commit]).then(
      ([admission]) => leases.admitted(scope, limits, admission!, nowMs, topUp),
      () => (topUp ? leases.topUpFailed(scope.adGroupId) : leases.refreshFailed(scope.adGroupId)),
    );
  }

  /** Explain counts of the last auction round's losers (a winner refused by Redis is counted by its refusal instead). */
  private countLosers(result: AuctionResult<Candidate>, refused: ReadonlyMap<string, LossReason> | null, weight: number): void {
    const { candidates, outcomes, minBidsToWinMicros } = result;
    for (let i = 0; i < candidates.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome === WON) continue;
      const c = candidates[i]!;
      if (refused?.has(c.id)) continue;
      const g = c.group;
      const minBidUsd = minBidsToWinMicros[i]!;
      const minBid = Number.isNaN(minBidUsd) ? null : fromUsd(minBidUsd, g.perUsdMillionths) * (g.billableEvent === 'IMPRESSION' ? 1000 : 1);
      this.explain.lostOutcome(c.id, c.day, outcome, minBid, g.explainSlot, weight);
    }
  }

  /** The sampled TARGETING losses (explain.ts): every ad group of the placement the user is not in, each worth `weight`. */
  private countTargeting(scan: Scan, weight: number): void {
    const { audience, days } = scan;
    const groups = scan.index.groups;
    for (let i = 0; i < groups.length; i++) {
      if ((audience[i >>> 5]! & (1 << (i & 31))) !== 0) continue;
      const group = groups[i]!;
      if (!inSchedule(group, scan.nowSeconds)) continue;
      this.explain.lostOutcome(group.adGroupId, days.of(group.timezone), TARGETING, null, group.explainSlot, weight);
    }
  }

  /**
   * Adds `groups[at]` of the scan's placement as a candidate (the user is in its audience):
   * its ad (rotated at random among several), bid, predicted CTR and day, and whether
   * budget, frequency cap or pacing keep it out. Null when its schedule does.
   */
  private candidate(scan: Scan, at: number): Candidate | null {
    const group = scan.index.groups[at]!;
    // Schedules pass by time, not by a write: checked here, not when indexing.
    if (!inSchedule(group, scan.nowSeconds)) return null;
    const day = scan.days.of(group.timezone);
    const ad = group.ads.length === 1 ? group.ads[0]! : group.ads[Math.floor(this.random() * group.ads.length)]!;
    const bid = scan.index.bids[at]!;
    let ineligible: EligibilityLoss | undefined;
    if (scan.exhaustedAny && this.isExhausted(group.adGroupId, day, scan.nowMs)) ineligible = 'BUDGET';
    else if (group.frequencyCapped && this.capped.has(cappedKey(group.adGroupId, scan.userId, day))) ineligible = 'FREQUENCY_CAP';
    else if (group.pacing === 'STANDARD' && this.random() >= this.pacing.throttle(group, day)) ineligible = 'PACING';
    const c = scan.arena.next();
    c.id = group.adGroupId;
    c.bidMicros = bid.bidUsdMicros;
    c.reserveMicros = bid.reserveUsdMicros;
    c.billableEvent = group.billableEvent;
    c.eventProbability = group.billableEvent === 'CLICKTHROUGH' ? this.quality.ctr(ad.adId) : 1;
    c.ineligible = ineligible;
    c.group = group;
    c.ad = ad;
    c.day = day;
    c.localBidMicros = bid.localBidMicros;
    c.localReserveMicros = bid.localReserveMicros;
    return c;
  }

  /**
   * The candidates of an auction whose losers are not counted: the ad groups the user
   * matches, taken in `Ranking` order until `keep` of them (the slots and the runner-up)
   * can rank and the next could bid no more than the last of those — nor could any after
   * it, so none of them could change the winners or their prices. Returns what adds the
   * rest of them (a refill round needs them: docs/serving.md "Refilling slots"), or null
   * when none are left.
   */
  private rankedCandidates(scan: Scan, keep: number): (() => void) | null {
    const { order, bound } = this.rankingOf(scan.index);
    const audience = scan.audience;
    // The best `keep` eCPMs of the candidates that can rank, best first.
    const best: number[] = [];
    let j = 0;
    for (; j < order.length; j++) {
      if (best.length === keep && bound[j]! < best[keep - 1]!) break;
      const at = order[j]!;
      if ((audience[at >>> 5]! & (1 << (at & 31))) === 0) continue;
      const c = this.candidate(scan, at);
      if (c === null || c.ineligible !== undefined || c.bidMicros < c.reserveMicros) continue;
      // The auction's own eCPM (libs/auction runAuction), the same product in the same order.
      const ecpm = c.bidMicros * c.eventProbability * 1000;
      if (best.length === keep && ecpm <= best[keep - 1]!) continue;
      let i = best.length === keep ? keep - 1 : best.length;
      while (i > 0 && best[i - 1]! < ecpm) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = ecpm;
    }
    if (j === order.length) return null;
    return () => {
      for (; j < order.length; j++) {
        const at = order[j]!;
        if ((audience[at >>> 5]! & (1 << (at & 31))) !== 0) this.candidate(scan, at);
      }
    };
  }

  /** The placement's `Ranking`, made again when its index was rebuilt or the quality scores changed. */
  private rankingOf(index: PlacementIndex): Ranking {
    const version = this.quality.version;
    let ranking = this.rankings.get(index);
    if (ranking === undefined || ranking.qualityVersion !== version) {
      ranking = rankByBound(index, (adId) => this.quality.ctr(adId), version);
      this.rankings.set(index, ranking);
    }
    return ranking;
  }

  private isExhausted(adGroupId: string, day: string, nowMs: number): boolean {
    const mark = this.exhausted.get(adGroupId);
    if (!mark) return false;
    if (mark.day === day && nowMs < mark.untilMs) return true;
    this.exhausted.delete(adGroupId);
    return false;
  }

  private signedEvent(placed: Placed, slot: number, auctionId: string, body: ServeBody, nowSeconds: number): SignedEvent {
    const { group: g, ad } = placed;
    const { user } = body;
    const interests = g.rule.interests;
    return {
      auctionId,
      slot,
      adId: ad.adId,
      adGroupId: g.adGroupId,
      campaignId: g.campaignId,
      adAccountId: g.adAccountId,
      pinId: ad.pinId,
      priceMicros: placed.priceMicros,
      billableEvent: g.billableEvent,
      userKey: user.id,
      placement: body.placement,
      ageBucket: user.age_bucket ?? '',
      gender: user.gender ?? '',
      location: user.location ?? '',
      device: user.device ?? user.app_type ?? '',
      locale: user.locale ?? '',
      interest: (interests && user.interests.find((i) => interests.has(i))) ?? '',
      issuedAt: nowSeconds,
    };
  }

  private present(placed: Placed, slot: number, auctionId: string, body: ServeBody, nowSeconds: number): ServedAd {
    const { group: g, ad } = placed;
    const token = signEvent(this.signedEvent(placed, slot, auctionId, body, nowSeconds), this.secret);
    return {
      slot,
      ad_id: ad.adId,
      ad_group_id: g.adGroupId,
      campaign_id: g.campaignId,
      ad_account_id: g.adAccountId,
      pin: { id: ad.pinId, title: ad.title, description: ad.description, image_url: ad.imageUrl, link: ad.link },
      billable_event: g.billableEvent,
      price_micro_currency: placed.priceMicros,
      currency: g.currency,
      impression_url: `${this.publicUrl}/t/i/${token}`,
      click_url: `${this.publicUrl}/t/c/${token}`,
      engagement_url: `${this.publicUrl}/t/e/${token}`,
    };
  }
}

function inSchedule(group: IndexedAdGroup, nowSeconds: number): boolean {
  return (group.startSeconds === null || nowSeconds >= group.startSeconds) && (group.endSeconds === null || nowSeconds < group.endSeconds);
}

function cappedKey(adGroupId: string, userKey: string, day: string): string {
  return `${adGroupId}\u0000${userKey}\u0000${day}`;
}

/**
 * The engine takes one increment for every candidate, but CPM and CPC bids need their
 * own (MIN_INCREMENT_MICROS), so it runs with none and each winner's GSP price is taken
 * again here with its own increment: the runner-up of slot i is the winner of slot i+1,
 * and of the last slot the best outranked loser (the engine ranks exactly these). A lone
 * winner keeps the reserve. Losers' minimum bids to win get the same increment.
 */
export function withIncrements<B extends Bid>(result: AuctionResult<B>): AuctionResult<B> {
  // The engine's result is this caller's own: prices are corrected in place.
  const { winners, runnerUpEcpm: runnerUp, candidates, minBidsToWinMicros: minBids } = result;
  for (let i = 0; i < winners.length; i++) {
    const w = winners[i]!;
    const next = i + 1 < winners.length ? winners[i + 1]!.ecpm : runnerUp;
    if (next === null) continue;
    const secondPrice = next / (1000 * w.bid.eventProbability) + MIN_INCREMENT_MICROS[w.bid.billableEvent];
    w.priceMicros = Math.min(w.bid.bidMicros, Math.max(w.bid.reserveMicros, Math.ceil(secondPrice - 1e-9)));
  }
  // NaN (winners, the ineligible) is never above the reserve.
  for (let i = 0; i < candidates.length; i++) {
    const bid = candidates[i]!;
    const minBid = minBids[i]!;
    if (minBid > bid.reserveMicros) minBids[i] = minBid + MIN_INCREMENT_MICROS[bid.billableEvent];
  }
  return result;
}
