// The functions this bench hands to the browser (page.waitForFunction, addInitScript) run in the page: DOM types.
/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { lit, recomputeRollupRange, sql, tableRef, type ClickHouseExecutor, type SqlFragment } from '@loupe/analytics';
import { loadConfig } from '@loupe/server-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createClickHouseDatabase } from './clickhouse-bench-db';
import { percentile, type BenchFigure, type BenchSize, type Benchmark } from './harness';
import { createPostgresDatabase, ROOT, startApi, type Child } from './processes';

/*
 * `bench/overview`: how long the dashboard's Overview takes to become interactive in a
 * real browser for an ad account holding a year of data, beside the same screen of a
 * fresh, empty ad account on the same API in the same run (the baseline: the app's own
 * download, boot, session and request round trips with nothing to sum).
 *
 * Setup (its own everything, nothing shared with the demo or the tests):
 * 1. a throwaway Postgres database (migrated) and ClickHouse database (migrated), and a
 *    production build of the web app (at tiny size the one `scripts/test.sh` just built
 *    in dist/apps/web, when there is one);
 * 2. the real API (apps/api/src/main.ts) on them, serving that build, on its own Redis
 *    queue prefix; two advertisers sign up through it (USD, America/New_York): "year"
 *    creates 2 campaigns × 2 ad groups × 1 ad through the management API, "empty"
 *    nothing;
 * 3. a year of hourly events of the year account's ads generated inside ClickHouse
 *    (INSERT … SELECT … FROM numbers()): `perHour` events in every UTC hour up to the
 *    current one — impressions billed 1–5 USD CPM, 3% clicks, 5% saves and close-ups,
 *    prices rising through the year — and, in one hour every `conversionEveryDays`
 *    days, a checkout conversion for every click of that hour, with the click's id
 *    (attributed by click, as the conversions API's `click_id` is);
 * 4. the year rolled up by the analytics library's own range rollup
 *    (recomputeRollupRange: bulk hourly, reach and daily rows, conversion hours
 *    recomputed and attributed hour by hour) — what the worker runs for a backfill.
 *
 * Measurement: Debian's Chromium through playwright-core, a new browser context per
 * load (cold HTTP cache, the session token put in localStorage before the app boots),
 * year and empty loads alternating after one warm-up each. A load is timed from the
 * navigation's start (performance.timeOrigin) to **interactive**: every section of the
 * Overview shows its final content — the nine KPI cards with their figures, the trend
 * chart drawn with its lines, revenue by quarter with its chart and its six rows (for
 * the empty account: each section's empty state, "No delivery in this period", "No
 * spend in this period", "No revenue yet") — no skeleton left, and then the page
 * answers input: a key pressed once all that is on screen reaches the page's
 * keydown handler (the time stamp is taken there, so a busy main thread delays it).
 * After timing, the year account's screen is checked: spend and ROAS shown, six
 * quarters in the table, growth labels on the bars.
 */

const SIZES: Record<BenchSize, { days: number; perHour: number; conversionEveryDays: number; loads: number }> = {
  tiny: { days: 365, perHour: 4, conversionEveryDays: 45, loads: 3 },
  full: { days: 365, perHour: 100, conversionEveryDays: 7, loads: 15 },
};

const TIMEZONE = 'America/New_York';
const CHROMIUM = '/usr/bin/chromium';
const HOUR = 3600;

interface Advertiser {
  token: string;
  userId: string;
  adAccountId: string;
}

interface AdRef {
  campaignId: string;
  adGroupId: string;
  adId: string;
}

async function call<T>(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`overview bench: ${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function signup(base: string, name: string): Promise<Advertiser> {
  const res = await call<{ access_token: string; user_id: string; ad_account_id: string }>(base, 'POST', '/v5/auth/signup', null, {
    email: `bench-overview-${name}-${Date.now()}@bench.loupe.dev`,
    password: 'correct horse battery',
    business_name: `Bench ${name}`,
    ad_account: { name: `Bench ${name}`, country: 'US', currency: 'USD', timezone: TIMEZONE },
  });
  return { token: res.access_token, userId: res.user_id, adAccountId: res.ad_account_id };
}

/** 2 campaigns × 2 ad groups × 1 ad, through the management API. */
async function createAds(base: string, advertiser: Advertiser): Promise<AdRef[]> {
  const account = advertiser.adAccountId;
  const created = (answer: { items: { data?: { id: string } }[] }): string[] => answer.items.map((i) => i.data?.id ?? '');
  const pin = await call<{ id: string }>(base, 'POST', `/v5/pins?ad_account_id=${account}`, advertiser.token, {
    title: 'Linen throw',
    link: 'https://home.example.com/linen',
    media_source: { source_type: 'image_url', url: 'https://images.example.com/linen.jpg' },
  });
  const campaignIds = created(
    await call(base, 'POST', `/v5/ad_accounts/${account}/campaigns`, advertiser.token, [
      { name: 'Spring', objective_type: 'AWARENESS', status: 'ACTIVE' },
      { name: 'Autumn', objective_type: 'AWARENESS', status: 'ACTIVE' },
    ]),
  );
  const refs: AdRef[] = [];
  for (const campaignId of campaignIds) {
    const adGroupIds = created(
      await call(
        base,
        'POST',
        `/v5/ad_accounts/${account}/ad_groups`,
        advertiser.token,
        ['US', 'CA'].map((country) => ({
          name: `${campaignId} · ${country}`,
          campaign_id: campaignId,
          status: 'ACTIVE',
          billable_event: 'IMPRESSION',
          budget_in_micro_currency: 100_000_000,
          bid_in_micro_currency: 8_000_000,
          targeting_spec: { LOCATION: [country] },
        })),
      ),
    );
    const adIds = created(
      await call(
        base,
        'POST',
        `/v5/ad_accounts/${account}/ads`,
        advertiser.token,
        adGroupIds.map((adGroupId) => ({ ad_group_id: adGroupId, pin_id: pin.id, creative_type: 'REGULAR', destination_url: 'https://home.example.com/linen', status: 'ACTIVE' })),
      ),
    );
    adGroupIds.forEach((adGroupId, i) => refs.push({ campaignId, adGroupId, adId: adIds[i]! }));
  }
  if (refs.length !== 4 || refs.some((r) => !r.campaignId || !r.adGroupId || !r.adId)) throw new Error(`overview bench: the management API did not create every ad: ${JSON.stringify(refs)}`);
  return refs;
}

const idArray = (ids: string[]): SqlFragment => sql`[${sql.join(ids.map((i) => lit.int(i, 'UInt64')))}]`;

/**
 * The year's raw events of one account, generated inside ClickHouse: row n is in hour
 * intDiv(n, perHour) from `fromHour`; in a conversion hour its first row is a click, so
 * every conversion hour has one to convert.
 */
async function loadYear(ch: ClickHouseExecutor, database: string, account: string, ads: AdRef[], fromHour: number, hours: number, plan: (typeof SIZES)[BenchSize]): Promise<void> {
  const perHour = lit.int(plan.perHour, 'UInt64');
  const everyHours = lit.int(plan.conversionEveryDays * 24, 'UInt64');
  const total = lit.int(hours, 'UInt64');
  const pick = (ids: string[]): SqlFragment => sql`arrayElement(${idArray(ids)}, toUInt32(1 + ad))`;
  const chunk = 5_000_000;
  const rows = hours * plan.perHour;
  for (let offset = 0; offset < rows; offset += chunk) {
    await ch.command(sql`
      INSERT INTO ${tableRef(database, 'events')}
        (event_id, event_type, engagement_type, event_time, event_date, ad_account_id, campaign_id, ad_group_id, ad_id,
         user_id, price_micros, ivt, placement, ingested_at)
      SELECT concat(multiIf(kind = 'CLICK', 'c:b', kind = 'ENGAGEMENT', 'e:b', 'i:b'), toString(n)), kind,
        if(kind = 'ENGAGEMENT', if(h % 2 = 0, 'SAVE', 'CLOSEUP'), ''),
        t, toDate(t), ${lit.int(account, 'UInt64')}, ${pick(ads.map((a) => a.campaignId))}, ${pick(ads.map((a) => a.adGroupId))}, ${pick(ads.map((a) => a.adId))},
        concat('u', toString(intHash64(n) % 20000)),
        toInt64(if(kind = 'IMPRESSION', intDiv((1000 + h % 4000) * (${total} + hour_index), ${total}), 0)),
        toUInt8(0), 'BROWSE', t
      FROM (
        SELECT n, h, ad, hour_index,
          multiIf((n % ${perHour} = 0 AND hour_index % ${everyHours} = 0) OR h % 100 < 3, 'CLICK', h % 100 < 8, 'ENGAGEMENT', 'IMPRESSION') AS kind,
          toDateTime(${lit.int(fromHour, 'UInt32')} + hour_index * 3600 + intHash32(n + 7) % 3599, 'UTC') AS t
        FROM (
          SELECT number + ${lit.int(offset, 'UInt64')} AS n, intHash32(n) AS h, intHash32(n + 1) % ${lit.int(ads.length, 'UInt32')} AS ad,
            intDiv(n, ${perHour}) AS hour_index
          FROM numbers(${lit.int(Math.min(chunk, rows - offset), 'UInt64')})
        )
      )`);
  }
  // A checkout for every click of a conversion hour, at the hour's last second (after its click, in its hour), carrying the click's id.
  await ch.command(sql`
    INSERT INTO ${tableRef(database, 'events')}
      (event_id, event_type, event_time, event_date, ad_account_id, user_id, click_id, value_micros, currency, conversion_type, ivt, ingested_at)
    SELECT concat('v:', event_id), 'CONVERSION', ct, toDate(ct), ad_account_id, user_id, event_id,
      toInt64(20000000 + cityHash64(event_id) % 80000000), 'USD', 'checkout', toUInt8(0), ct
    FROM (
      SELECT event_id, ad_account_id, user_id, toDateTime(toUInt32(toStartOfHour(event_time)) + 3599, 'UTC') AS ct
      FROM ${tableRef(database, 'events')}
      WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND event_type = 'CLICK'
        AND intDiv(toUInt32(event_time) - ${lit.int(fromHour, 'UInt32')}, 3600) % ${everyHours} = 0
    )`);
}

/** Builds the web app for production into its own directory (NODE_ENV=test would bundle React's development build). */
function buildWeb(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  return new Promise((done, fail) => {
    const child = spawn('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`overview bench: the web build exited with ${code}: ${stderr.slice(-2000)}`))));
  });
}

/**
 * In the page: whether every section of the Overview shows its final content (see the
 * header): no skeleton; the KPI cards (nine) or the empty state; the trend chart's lines
 * or its empty state; revenue by quarter drawn with `quarters` table rows, or its empty
 * state. (An error state is none of these: the load then times out and says so.)
 */
function overviewReady(quarters: number): boolean {
  const doc = document;
  if (doc.querySelector('.skeleton-block')) return false;
  const section = (title: string): Element | null => doc.querySelector(`section[aria-labelledby="${title}"]`);
  const kpis = section('kpi-title');
  if (!kpis || (kpis.querySelectorAll('ul[aria-label="Key figures"] .kpi__value').length !== 9 && !kpis.querySelector('.empty-state'))) return false;
  const trend = section('trend-title');
  if (!trend || (!trend.querySelector('.recharts-surface .recharts-line-curve') && !trend.querySelector('.empty-state'))) return false;
  const revenue = section('revenue-title');
  if (!revenue) return false;
  return (revenue.querySelector('.recharts-surface') !== null && revenue.querySelectorAll('tbody tr').length === quarters) || revenue.querySelector('.empty-state') !== null;
}

/**
 * A new browser context (a cold HTTP cache) signed in as `advertiser` — the session put
 * where the app keeps it before the app boots — with a keydown handler that stamps when
 * the page first handled a key; and its page, navigated to the advertiser's Overview
 * (`goto` resolves at `waitUntil`), then waited on until it is ready.
 */
async function openOverview(browser: Browser, url: string, advertiser: Advertiser, waitUntil: 'commit' | 'load'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript((session: string) => {
      try {
        window.localStorage.setItem('loupe.session', session);
      } catch {
        /* about:blank has no storage */
      }
      window.addEventListener('keydown', () => ((window as unknown as { answeredAt?: number }).answeredAt ??= performance.now()), { capture: true });
    }, JSON.stringify({ token: advertiser.token, userId: advertiser.userId }));
    const page = await context.newPage();
    await page.goto(`${url}/accounts/${advertiser.adAccountId}/overview`, { waitUntil });
    await page.waitForFunction(overviewReady, 6, { polling: 'raf', timeout: 60_000 }).catch(async (error: unknown) => {
      const text = await page.evaluate(() => document.body.innerText.slice(0, 1_500)).catch(() => '(no page)');
      throw new Error(`overview bench: the overview of ${advertiser.adAccountId} never became ready (${String(error)}); the page said: ${text}`);
    });
    return { context, page };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** One cold load of the Overview: ms from navigation start until the page, ready, handles a key press. */
async function interactiveMs(browser: Browser, url: string, advertiser: Advertiser): Promise<number> {
  const { context, page } = await openOverview(browser, url, advertiser, 'commit');
  try {
    await page.keyboard.press('Tab');
    const answeredAt = await page.evaluate(() => (window as unknown as { answeredAt?: number }).answeredAt ?? -1);
    if (!(answeredAt > 0)) throw new Error('overview bench: the page never handled the key press');
    return answeredAt;
  } finally {
    await context.close();
  }
}

/** The year account's screen shows what a year holds: figures, ROAS, six quarters with growth labels. */
async function checkYearScreen(browser: Browser, url: string, advertiser: Advertiser): Promise<string> {
  const { context, page } = await openOverview(browser, url, advertiser, 'load');
  try {
    const value = (kpi: string): Promise<string> => page.locator(`[data-kpi="${kpi}"] .kpi__value`).innerText();
    const [spend, roas] = [await value('spend'), await value('roas')];
    const quarters = await page.locator('section[aria-labelledby="revenue-title"] tbody tr').allInnerTexts();
    const labels = await page.locator('section[aria-labelledby="revenue-title"] .recharts-label-list text').allTextContents();
    const withRevenue = quarters.filter((q) => !/\t\$0\.00\t\$0\.00\t/.test(q)).length;
    if (!/^\$[\d,]+\.\d\d$/.test(spend) || spend === '$0.00' || !/×$/.test(roas) || withRevenue < 5 || !labels.some((l) => /^[+−-]\d/.test(l))) {
      throw new Error(`overview bench: the year account's overview does not show a year: spend ${spend}, ROAS ${roas}, quarters ${JSON.stringify(quarters)}, labels ${JSON.stringify(labels)}`);
    }
    return `spend ${spend} (last 30 days), ROAS ${roas}, ${withRevenue} of 6 quarters with revenue, growth labels ${labels.filter((l) => l !== '').join(' ')}`;
  } finally {
    await context.close();
  }
}

export const overviewBenchmark: Benchmark = {
  name: 'overview',
  async run(size: BenchSize): Promise<BenchFigure[]> {
    const plan = SIZES[size];
    if (!existsSync(CHROMIUM)) throw new Error(`overview bench: ${CHROMIUM} is missing: run scripts/browser.sh`);
    const config = loadConfig();
    const t0 = Date.now();
    // At tiny size the build scripts/test.sh just made is what ships; a full run builds its own.
    const shipped = resolve(ROOT, 'dist/apps/web');
    const ownBuild = size === 'tiny' && existsSync(resolve(shipped, 'index.html')) ? null : resolve(ROOT, `tmp/bench-overview-web-${process.pid}`);
    const [chResult, pgResult, webResult] = await Promise.allSettled([
      createClickHouseDatabase(config, 'overview'),
      createPostgresDatabase(config.postgres.url),
      ownBuild ? buildWeb(ownBuild) : Promise.resolve(),
    ]);
    const ch = chResult.status === 'fulfilled' ? chResult.value : undefined;
    const pg = pgResult.status === 'fulfilled' ? pgResult.value : undefined;
    let api: Child | undefined;
    let browser: Browser | undefined;
    try {
      for (const result of [chResult, pgResult, webResult]) if (result.status === 'rejected') throw result.reason;
      const started = await startApi({
        DATABASE_URL: pg!.url,
        CLICKHOUSE_DATABASE: ch!.database,
        QUEUE_PREFIX: `{loupe-bench-overview-${process.pid}}`,
        WEB_DIST_DIR: ownBuild ?? shipped,
        RATE_LIMIT_READ_PER_MINUTE: '100000',
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      });
      api = started.child;
      const base = started.url;
      const year = await signup(base, 'year');
      const empty = await signup(base, 'empty');
      const ads = await createAds(base, year);

      const toHour = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
      const hours = plan.days * 24;
      const fromHour = toHour - hours * HOUR;
      const setupMs = Date.now() - t0;
      const t1 = Date.now();
      await loadYear(ch!.executor, ch!.database, year.adAccountId, ads, fromHour, hours, plan);
      const loadedMs = Date.now() - t1;
      const rolled = await recomputeRollupRange(ch!.executor, { database: ch!.database, adAccountId: year.adAccountId, fromHour, toHour, version: 1, timezone: TIMEZONE });
      const rolledMs = Date.now() - t1 - loadedMs;
      const [counts] = await ch!.executor.query<{ events: string; conversions: string }>(
        sql`SELECT count() AS events, countIf(event_type = 'CONVERSION') AS conversions FROM ${tableRef(ch!.database, 'events')}`,
      );
      process.stdout.write(
        `overview: setup ${(setupMs / 1000).toFixed(1)} s; ${Number(counts?.events ?? 0).toLocaleString('en-US')} events (${counts?.conversions ?? 0} conversions) over ${plan.days} days ` +
          `generated in ${(loadedMs / 1000).toFixed(1)} s, rolled up in ${(rolledMs / 1000).toFixed(1)} s (${rolled.hourlyHours.length} conversion hours recomputed hour by hour)\n`,
      );

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      await interactiveMs(browser, base, year); // warm-up: the API's first reads, Chromium's first page
      await interactiveMs(browser, base, empty);
      const yearMs: number[] = [];
      const emptyMs: number[] = [];
      for (let i = 0; i < plan.loads; i++) {
        yearMs.push(await interactiveMs(browser, base, year));
        emptyMs.push(await interactiveMs(browser, base, empty));
      }
      const screen = await checkYearScreen(browser, base, year);
      process.stdout.write(`overview: year account shows ${screen}\n`);
      yearMs.sort((a, b) => a - b);
      emptyMs.sort((a, b) => a - b);
      const loads = `${plan.loads} cold loads each`;
      const figure = (p: 50 | 95): BenchFigure => {
        const value = percentile(yearMs, p);
        const baselineValue = percentile(emptyMs, p);
        return {
          benchmark: 'overview',
          metric: `Overview of an account with a year of data (${Number(counts?.events ?? 0).toLocaleString('en-US')} events), navigation → interactive, p${p} ms (${loads})`,
          value,
          unit: 'ms',
          baseline: 'same screen of a fresh empty account',
          baselineValue,
          ratio: value / baselineValue,
          ...(p === 95 ? { target: 'p95 ≤ 2,000 ms', met: value <= 2_000 } : {}),
        };
      };
      return [figure(50), figure(95)];
    } finally {
      await browser?.close();
      await api?.stop();
      await Promise.allSettled([ch?.drop(), pg?.drop()]);
      if (ownBuild) rmSync(ownBuild, { recursive: true, force: true });
    }
  },
};
