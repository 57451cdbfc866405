/**
 * Live mode of the marketplace simulator (docs/simulator.md, "Live mode"): drives a
 * running API over HTTP the way a visual-discovery network's ad client would, with the
 * model of @loupe/simulator deciding who asks and how people react:
 *
 *   - requests arrive at `rate` × the population's traffic multiplier of the moment;
 *     request i is `liveRequest(seed, population, i, now)` (placement, visitor at their
 *     local hour, query on SEARCH) and goes to `POST /internal/serve`;
 *   - every returned ad's impression beacon is fired; the person's close-up, save and
 *     click follow after human delays (clicks ≥ 1 s after the impression), scheduled on
 *     timers so nothing blocks other requests;
 *   - conversions come after the model's delay, compressed (× `conversionDelayScale`,
 *     capped at `maxConversionDelayMs`), through the conversions API of the ad's account
 *     with the click's `epik` as `click_id` and the person's hashed key as `em`.
 *
 * Only the real HTTP paths (serve, tracking, conversions); loopback only. Each simulated
 * person sends their beacons from a loopback address of their own (127.88.x.y), as
 * different people have different addresses, so the tracking side's per-IP burst rule
 * (20/s, 300/min) sees per-person rates; the API sees the socket address (trustProxy is
 * off), so no header is needed or honoured.
 *
 *   SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/simulate.ts \
 *     --base-url http://127.0.0.1:3000 --rate 5 --duration 0 --seed 1
 */
import http from 'node:http';
import { isIPv4 } from 'node:net';
import {
  accessTokenResponseSchema,
  adAccountPageSchema,
  adGroupPageSchema,
  campaignPageSchema,
  conversionApiResponseSchema,
  serveResponseSchema,
  type ServedAd,
} from '@loupe/contracts';
import type { z } from 'zod';
import { microsToDecimal } from '@loupe/metrics';
import { loadConfig } from '@loupe/server-core';
import {
  catalogAdGroupKey,
  compressDelay,
  decideLiveImpression,
  demoAdGroups,
  LIVE_SLOTS,
  liveImpressionRandom,
  liveRequest,
  liveServeUser,
  populationTrafficMultiplier,
  SimulatedPopulation,
  simAdOfServed,
  type CatalogAdGroupEntry,
  type LiveImpressionPlan,
  type LiveServeUser,
  type SimAd,
  type SimUser,
} from '@loupe/simulator';
import { DEMO_PASSWORD, DEMO_SEED } from './demo-seed';

export interface LiveLogin {
  email: string;
  password: string;
}

export interface LiveOptions {
  /** The running API; must be a loopback address. */
  baseUrl: string;
  /** The API's SERVICE_KEY (for /internal/serve). */
  serviceKey: string;
  /** Serve requests per second on weekly average (scaled by the traffic curves of the moment). */
  rate: number;
  /** Seconds to run; 0 runs until `signal` aborts. */
  durationSeconds: number;
  seed: number;
  /** People in the simulated population (default 20,000). */
  populationSize?: number;
  /** Only people of these countries ask (a launch in one market); default everyone. */
  countries?: string[];
  /** The seed the demo catalog was created with (to recognise its ads), default the demo seed's. */
  catalogSeed?: number;
  /** Users whose ad accounts conversions may be sent for (ADMIN or CAMPAIGN_MANAGER); default the demo SMB and agency. */
  logins?: LiveLogin[];
  /** Serve requests (with their beacons) in flight at most; a request due beyond it is dropped and counted. */
  concurrency?: number;
  /** Multiplies every engagement and conversion propensity (≥ 1; 1 is the model). */
  boost?: number;
  /** Model conversion delays are multiplied by this (default 1/60: an hour becomes a minute)… */
  conversionDelayScale?: number;
  /** …and capped at this (default 5 minutes). */
  maxConversionDelayMs?: number;
  /** Seconds between progress summaries (0: only the final one). */
  summaryEverySeconds?: number;
  /** Distinct loopback client addresses people are spread over. */
  clientAddresses?: number;
  /** The instant the traffic curves read (default the wall clock); tests pin it. */
  modelTime?: () => number;
  /** Progress lines (default stdout). */
  log?: (line: string) => void;
  /** Stops the run early (forever runs stop only this way). */
  signal?: AbortSignal;
  /** Record every serve request and the plan of every ad served (for tests). */
  trace?: boolean;
}

export interface LiveCounts {
  requests: number;
  /** Requests not sent because `concurrency` were in flight. */
  dropped: number;
  adsServed: number;
  impressions: number;
  clicks: number;
  engagements: number;
  conversionsSent: number;
  /** Conversions of accounts none of the logins can write to. */
  conversionsSkipped: number;
  /** Scheduled clicks, engagements and conversions abandoned by an early stop. */
  abandoned: number;
  /** By "<call> <status>" ("<call> network" when no answer came, "<call> exception" when an answer could not be read). */
  errors: Record<string, number>;
}

export interface LiveTraceEntry {
  index: number;
  body: { placement: string; slots: number; user: LiveServeUser };
  ads: { slot: number; adId: string; adGroupId: string; plan: LiveImpressionPlan | null }[];
}

export interface LiveReport {
  counts: LiveCounts;
  /** Ad groups of the logins' accounts recognised as catalog ad groups (the model knows their targeting and conversions). */
  catalogAdGroups: number;
  trace: LiveTraceEntry[];
}

export class LiveOptionsError extends Error {}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Realistic user agents per app type (no crawler pattern, so tracking takes them for people). */
export const USER_AGENTS: Readonly<Record<string, string>> = {
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  android_mobile: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  android_tablet: 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  web: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  web_mobile: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
};

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));

/** The loopback address person `index` sends from (one per person, `pool` in all). */
export function clientAddressOf(index: number, pool: number): string {
  const k = index % pool;
  return `127.88.${Math.floor(k / 250)}.${(k % 250) + 1}`;
}

/** The `epik` click id of a click redirect's Location. */
export function epikOf(location: string | undefined): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location).searchParams.get('epik') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Runs live mode until `durationSeconds` pass (then finishes what is scheduled) or `signal` aborts (then abandons it). */
export async function runLiveSimulation(options: LiveOptions): Promise<LiveReport> {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' || !isLoopbackHost(base.hostname)) throw new LiveOptionsError(`the simulator drives a loopback http API only; got ${options.baseUrl}`);
  if (!(options.rate > 0)) throw new LiveOptionsError('--rate must be a positive number of requests per second');
  if (!(options.durationSeconds >= 0)) throw new LiveOptionsError('--duration must be 0 (forever) or a positive number of seconds');
  if (!Number.isSafeInteger(options.seed)) throw new LiveOptionsError('--seed must be an integer');
  const boost = options.boost ?? 1;
  if (!(boost >= 1)) throw new LiveOptionsError('--boost must be at least 1');
  const concurrency = options.concurrency ?? 32;
  const delayScale = options.conversionDelayScale ?? 1 / 60;
  const maxDelayMs = options.maxConversionDelayMs ?? 300_000;
  const pool = options.clientAddresses ?? 1_000;
  const modelTime = options.modelTime ?? Date.now;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Spreading people over 127.88.x.y needs an IPv4 loopback target; otherwise every request comes from one address.
  const spread = isIPv4(base.hostname);
  const runId = Date.now().toString(36);

  const population = new SimulatedPopulation({ seed: options.seed, size: options.populationSize ?? 20_000, countries: options.countries });
  const catalog = demoAdGroups(options.catalogSeed ?? DEMO_SEED);
  const counts: LiveCounts = { requests: 0, dropped: 0, adsServed: 0, impressions: 0, clicks: 0, engagements: 0, conversionsSent: 0, conversionsSkipped: 0, abandoned: 0, errors: {} };
  const trace: LiveTraceEntry[] = [];
  const fail = (call: string, status: number | 'network' | 'exception') => (counts.errors[`${call} ${status}`] = (counts.errors[`${call} ${status}`] ?? 0) + 1);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });

  function send(method: string, path: string, init: { ip?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || 80,
          method,
          path,
          agent,
          ...(spread && init.ip ? { localAddress: init.ip } : {}),
          headers: {
            ...init.headers,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** A call whose failure is counted, never thrown (one bad answer must not stop the run). */
  async function attempt(call: string, method: string, path: string, init: Parameters<typeof send>[2], ok: (r: Reply) => boolean): Promise<Reply | undefined> {
    try {
      const reply = await send(method, path, init);
      if (ok(reply)) return reply;
      fail(call, reply.status);
    } catch {
      fail(call, 'network');
    }
    return undefined;
  }

  /** Every item of a paginated list, or undefined when a page fails (counted). */
  async function listAll<T>(schema: z.ZodType<{ items: T[]; bookmark: string | null }>, path: string, token: string): Promise<T[] | undefined> {
    const items: T[] = [];
    let bookmark: string | null = null;
    do {
      const query: string = `page_size=250&entity_statuses=ACTIVE,PAUSED,ARCHIVED,DRAFT${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`;
      const res = await attempt('list', 'GET', `${path}?${query}`, { headers: { authorization: `Bearer ${token}` } }, (r) => r.status === 200);
      if (!res) return undefined;
      const page = schema.parse(JSON.parse(res.body));
      items.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    return items;
  }

  // Who may send conversions for which account (each login's accounts), and which served
  // ad group is which catalog ad group (by account, campaign and ad group names). Read at
  // start and every 10 minutes, so accounts and ad groups created meanwhile are known.
  let tokens = new Map<string, string>();
  let catalogByAdGroupId = new Map<string, CatalogAdGroupEntry>();
  const logins = options.logins ?? [
    { email: 'demo@loupe.dev', password: DEMO_PASSWORD },
    { email: 'agency@loupe.dev', password: DEMO_PASSWORD },
  ];
  async function readDirectory(): Promise<void> {
    const nextTokens = new Map<string, string>();
    const nextCatalog = new Map<string, CatalogAdGroupEntry>();
    for (const login of logins) {
      const res = await attempt('login', 'POST', '/v5/auth/login', { body: login }, (r) => r.status === 200);
      if (!res) {
        log(`simulate: cannot sign in as ${login.email}; its accounts' conversions will be skipped`);
        continue;
      }
      const token = accessTokenResponseSchema.parse(JSON.parse(res.body)).access_token;
      for (const account of (await listAll(adAccountPageSchema, '/v5/ad_accounts', token)) ?? []) {
        nextTokens.set(account.id, token);
        const campaigns = (await listAll(campaignPageSchema, `/v5/ad_accounts/${account.id}/campaigns`, token)) ?? [];
        const campaignNames = new Map(campaigns.map((c) => [c.id, c.name]));
        for (const adGroup of (await listAll(adGroupPageSchema, `/v5/ad_accounts/${account.id}/ad_groups`, token)) ?? []) {
          const entry = catalog.get(catalogAdGroupKey(account.name, campaignNames.get(adGroup.campaign_id) ?? '', adGroup.name));
          if (entry) nextCatalog.set(adGroup.id, entry);
        }
      }
    }
    // Keep what was known when a refresh could read nothing (the API restarting, say).
    if (nextTokens.size > 0 || tokens.size === 0) {
      tokens = nextTokens;
      catalogByAdGroupId = nextCatalog;
    }
  }
  await readDirectory().catch(() => fail('directory', 'exception'));
  let refreshing = false;
  const refresher = setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    void readDirectory()
      .catch(() => fail('directory', 'exception'))
      .finally(() => (refreshing = false));
  }, 600_000);

  // Scheduled reactions: a timer each, remembered so the end can wait for them or abandon them.
  const scheduled = new Map<NodeJS.Timeout, () => void>();
  const pendingWork = new Set<Promise<unknown>>();
  let stopping = false;
  // An unexpected answer (a body that does not parse) is counted, never an unhandled rejection.
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => fail('unexpected answer', 'exception')).finally(() => pendingWork.delete(settled));
    pendingWork.add(settled);
  };
  function later(ms: number, work: () => Promise<unknown>): void {
    if (stopping) {
      counts.abandoned++;
      return;
    }
    track(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          scheduled.delete(timer);
          void work()
            .catch(() => fail('unexpected answer', 'exception'))
            .finally(resolve);
        }, ms);
        scheduled.set(timer, resolve);
      }),
    );
  }

  // Conversions wait per account and go out in batches (the write rate limit is per token and minute).
  const outbox = new Map<string, Record<string, unknown>[]>();
  async function flushConversions(): Promise<void> {
    const batches = [...outbox.entries()];
    outbox.clear();
    await Promise.all(
      batches.map(async ([accountId, events]) => {
        const token = tokens.get(accountId);
        if (!token) {
          counts.conversionsSkipped += events.length;
          return;
        }
        for (let i = 0; i < events.length; i += 1_000) {
          const res = await attempt('conversions', 'POST', `/v5/ad_accounts/${accountId}/events`, { headers: { authorization: `Bearer ${token}` }, body: { data: events.slice(i, i + 1_000) } }, (r) => r.status === 200);
          if (!res) continue;
          const answer = conversionApiResponseSchema.parse(JSON.parse(res.body));
          counts.conversionsSent += answer.num_events_processed;
          if (answer.num_events_received > answer.num_events_processed) counts.errors['conversions failed-event'] = (counts.errors['conversions failed-event'] ?? 0) + answer.num_events_received - answer.num_events_processed;
        }
      }),
    );
  }

  function convert(index: number, ad: ServedAd, user: SimUser, plan: LiveImpressionPlan, clickId: string | undefined): void {
    const conversion = plan.conversion!;
    later(compressDelay(conversion.delayMs, delayScale, maxDelayMs), async () => {
      const events = outbox.get(ad.ad_account_id) ?? [];
      events.push({
        event_name: conversion.type,
        action_source: 'web',
        event_time: Math.floor(Date.now() / 1000),
        event_id: `sim-${runId}-${index}-${ad.slot}`,
        user_data: { em: [user.id], ...(clickId ? { click_id: clickId } : {}) },
        custom_data: { currency: ad.currency, value: microsToDecimal(conversion.valueMicros) },
      });
      outbox.set(ad.ad_account_id, events);
      return Promise.resolve();
    });
  }

  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };

  async function react(index: number, ad: ServedAd, user: SimUser, ip: string, userAgent: string, simAd: SimAd | undefined, request: NonNullable<ReturnType<typeof liveRequest>>): Promise<LiveImpressionPlan | null> {
    const seen = await attempt('impression', 'GET', pathOf(ad.impression_url), { ip, headers: { 'user-agent': userAgent } }, (r) => r.status === 200);
    if (!seen) return null;
    counts.impressions++;
    if (!simAd) return null;
    const plan = decideLiveImpression(liveImpressionRandom(options.seed, index, ad.slot), user, simAd, { placement: request.placement, search: request.search }, boost);
    const engage = (type: 'CLOSEUP' | 'SAVE') => async () => {
      if (await attempt('engagement', 'POST', pathOf(ad.engagement_url), { ip, headers: { 'user-agent': userAgent }, body: { type } }, (r) => r.status === 204)) counts.engagements++;
    };
    if (plan.closeup) later(plan.closeupAfterMs, engage('CLOSEUP'));
    if (plan.save) later(plan.saveAfterMs, engage('SAVE'));
    if (plan.click) {
      later(plan.clickAfterMs, async () => {
        const res = await attempt('click', 'GET', pathOf(ad.click_url), { ip, headers: { 'user-agent': userAgent } }, (r) => r.status === 302);
        if (!res) return;
        counts.clicks++;
        if (plan.conversion) convert(index, ad, user, plan, epikOf(res.headers.location));
      });
    } else if (plan.conversion) {
      convert(index, ad, user, plan, undefined);
    }
    return plan;
  }

  let inFlight = 0;
  async function session(index: number): Promise<void> {
    const request = liveRequest(options.seed, population, index, modelTime());
    if (!request) return;
    const body = { placement: request.placement, slots: LIVE_SLOTS[request.placement], user: liveServeUser(request) };
    const entry: LiveTraceEntry = { index, body, ads: [] };
    if (options.trace) trace.push(entry);
    counts.requests++;
    const res = await attempt('serve', 'POST', '/internal/serve', { headers: { authorization: `Bearer ${options.serviceKey}` }, body }, (r) => r.status === 200);
    if (!res) return;
    const { ads } = serveResponseSchema.parse(JSON.parse(res.body));
    counts.adsServed += ads.length;
    const ip = clientAddressOf(request.user.index, pool);
    const userAgent = USER_AGENTS[request.user.appType] ?? USER_AGENTS.web!;
    const plans = await Promise.all(ads.map((ad) => react(index, ad, request.user, ip, userAgent, simAdOfServed(catalogByAdGroupId.get(ad.ad_group_id), ad.pin.link, ad.currency), request)));
    entry.ads = ads.map((ad, i) => ({ slot: ad.slot, adId: ad.ad_id, adGroupId: ad.ad_group_id, plan: plans[i] ?? null }));
  }

  function summary(label: string, elapsedMs: number): string {
    const c = counts;
    const errors = Object.entries(c.errors).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
    return (
      `simulate ${label} ${(elapsedMs / 1000).toFixed(0)}s: requests ${c.requests} (dropped ${c.dropped}), ads served ${c.adsServed}, impressions ${c.impressions}, ` +
      `clicks ${c.clicks}, engagements ${c.engagements}, conversions sent ${c.conversionsSent} (skipped ${c.conversionsSkipped}), errors: ${errors}`
    );
  }

  // The request clock: due requests accumulate at rate × the curves' multiplier (refreshed once a minute).
  const started = Date.now();
  let multiplier = populationTrafficMultiplier(population, modelTime());
  let multiplierAt = started;
  let due = 0;
  let next = 0;
  let lastTick = started;
  let lastSummary = started;
  const summaryEveryMs = (options.summaryEverySeconds ?? 30) * 1000;
  const endAt = options.durationSeconds > 0 ? started + options.durationSeconds * 1000 : Infinity;
  log(`simulate: ${options.rate} requests/s on average (× ${multiplier.toFixed(2)} now), seed ${options.seed}, ${population.users.length} people, ${tokens.size} accounts writable for conversions, ${catalogByAdGroupId.size} catalog ad groups recognised`);

  const flusher = setInterval(() => void flushConversions().catch(() => fail('conversions', 'exception')), 2_000);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = Date.now();
      if (now >= endAt || options.signal?.aborted) {
        clearInterval(tick);
        resolve();
        return;
      }
      if (now - multiplierAt >= 60_000) {
        multiplier = populationTrafficMultiplier(population, modelTime());
        multiplierAt = now;
      }
      due += (options.rate * multiplier * (now - lastTick)) / 1000;
      lastTick = now;
      for (; due >= 1; due--) {
        const index = next++;
        if (inFlight >= concurrency) {
          counts.dropped++;
          continue;
        }
        inFlight++;
        track(session(index).finally(() => inFlight--));
      }
      if (summaryEveryMs > 0 && now - lastSummary >= summaryEveryMs) {
        lastSummary = now;
        log(summary('progress', now - started));
      }
    }, 50);
    options.signal?.addEventListener('abort', () => {
      stopping = true;
      clearInterval(tick);
      resolve();
    });
  });

  if (options.signal?.aborted) {
    for (const [timer, resolve] of scheduled) {
      clearTimeout(timer);
      resolve();
      counts.abandoned++;
    }
    scheduled.clear();
  }
  // Whatever is scheduled runs (at most the conversion cap later); reactions may schedule more.
  while (pendingWork.size > 0) await Promise.all([...pendingWork]);
  clearInterval(flusher);
  clearInterval(refresher);
  await flushConversions().catch(() => fail('conversions', 'exception'));
  agent.destroy();
  log(summary('done', Date.now() - started));
  return { counts, catalogAdGroups: catalogByAdGroupId.size, trace };
}

/** `--name value` or `--name=value`. */
export function argValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i]!.startsWith(`--${name}=`)) return args[i]!.slice(name.length + 3);
  }
  return undefined;
}

function numberArg(args: readonly string[], name: string, fallback: number): number {
  const raw = argValue(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new LiveOptionsError(`--${name} must be a number; got ${raw}`);
  return value;
}

/** The CLI's options; `serviceKey` is the API's (SERVICE_KEY through the config, as the API reads it). */
export function parseLiveArgs(args: readonly string[], serviceKey: string): LiveOptions {
  const countries = argValue(args, 'country')
    ?.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  const modelTimeArg = argValue(args, 'model-time');
  const modelTimeMs = modelTimeArg === undefined ? undefined : Date.parse(modelTimeArg);
  if (modelTimeMs !== undefined && !Number.isFinite(modelTimeMs)) throw new LiveOptionsError(`--model-time must be an ISO instant; got ${modelTimeArg}`);
  const loginArgs = args.flatMap((a, i) => (a === '--login' ? [args[i + 1] ?? ''] : a.startsWith('--login=') ? [a.slice('--login='.length)] : []));
  return {
    baseUrl: argValue(args, 'base-url') ?? 'http://127.0.0.1:3000',
    serviceKey,
    rate: numberArg(args, 'rate', 5),
    durationSeconds: numberArg(args, 'duration', 60),
    seed: numberArg(args, 'seed', 1),
    populationSize: numberArg(args, 'population', 20_000),
    ...(countries && countries.length > 0 ? { countries } : {}),
    ...(modelTimeMs === undefined ? {} : { modelTime: () => modelTimeMs }),
    catalogSeed: numberArg(args, 'catalog-seed', DEMO_SEED),
    concurrency: numberArg(args, 'concurrency', 32),
    boost: numberArg(args, 'boost', 1),
    conversionDelayScale: numberArg(args, 'conversion-delay-scale', 1 / 60),
    maxConversionDelayMs: numberArg(args, 'max-conversion-delay', 300) * 1000,
    summaryEverySeconds: numberArg(args, 'summary-every', 30),
    logins:
      loginArgs.length === 0
        ? undefined
        : loginArgs.map((l) => {
            const at = l.indexOf(':');
            if (at < 1) throw new LiveOptionsError(`--login takes email:password; got ${l}`);
            return { email: l.slice(0, at), password: l.slice(at + 1) };
          }),
  };
}

if (require.main === module) {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  let options: LiveOptions;
  try {
    options = { ...parseLiveArgs(process.argv.slice(2), loadConfig().serving.serviceKey), signal: controller.signal };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  runLiveSimulation(options).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`simulate failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof LiveOptionsError ? 2 : 1);
    },
  );
}
