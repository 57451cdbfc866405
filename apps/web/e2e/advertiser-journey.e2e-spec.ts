import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AnalyticsRow } from '@loupe/contracts';
import { formatRatio, measures, roas } from '@loupe/metrics';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/features/overview/dateRange';
import { todayIn } from '../src/lib/format';
import { formatMoney } from '../src/lib/money';
import { launchChromium, PIN_IMAGE_SVG, screenshot } from './support/browser';
import { buildWebApp, runApiCli, startApi, startWorker, workspaceRoot, type RunningApi, type RunningWorker } from './support/server';

/**
 * An SMB advertiser, alone, in a real browser against the real API, worker and services:
 * signs up, opens a second ad account in EUR, launches a campaign through the wizard, and
 * — after simulated traffic through serve, tracking and conversions, ingested and rolled
 * up by the worker — sees its spend and ROAS on the overview; then finds the campaign in
 * the campaigns grid and pauses it. The steps share one browser page, in order.
 */
describe('SMB advertiser journey in Chromium', () => {
  const webDist = resolve(workspaceRoot, `tmp/e2e-web-${process.pid}`);
  let api: RunningApi;
  let browser: Browser;
  let page: Page;
  const email = `smb-${randomUUID()}@e2e.loupe.dev`;
  const password = 'correct horse battery';
  const campaignName = `Spring mugs ${randomUUID().slice(0, 8)}`;
  let eurAccountId = '';
  const env = { SERVICE_KEY: `advertiser-journey-service-key-${randomUUID()}` };
  let worker: RunningWorker;
  // The pin's link names its category (utm_content), which is how the simulator's model reads an ad it did not create.
  const destination = 'https://clay.example.com/spring?utm_content=home_decor';

  beforeAll(async () => {
    await buildWebApp(webDist);
    [api, worker] = await Promise.all([startApi(webDist, env), startWorker(env)]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The advertiser's image host: Loupe stores no images, the pin references this URL.
    await page.route('https://images.example.com/**', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PIN_IMAGE_SVG }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    rmSync(webDist, { recursive: true, force: true });
  });

  /** What the API says, asked with the token the web app stored for this tab. */
  async function apiGet<T>(path: string): Promise<T> {
    return page.evaluate(async (p) => {
      const session = JSON.parse(sessionStorage.getItem('loupe.session') ?? localStorage.getItem('loupe.session') ?? '{}') as { token?: string };
      const response = await fetch(p, { headers: { authorization: `Bearer ${session.token ?? ''}` } });
      return (await response.json()) as T;
    }, path);
  }

  it('refuses a too-short password on sign-up beside the field, then signs up and lands on the empty campaigns screen', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Business name').fill('Clay & Co');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Must be at least 10 characters.').isVisible()).resolves.toBe(true);

    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Ad account name').fill('Clay & Co US');
    await screenshot(page, '01-sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    await page.getByRole('heading', { name: 'No campaigns here yet' }).waitFor();
    expect(page.url()).toMatch(/\/accounts\/\d+\/campaigns$/);
    await screenshot(page, '02-campaigns-empty');
  });

  it('creates a second ad account in EUR from the account switcher and switches to it', async () => {
    await page.getByLabel('Switch ad account').selectOption({ label: '+ Create ad account…' });
    await page.getByRole('form', { name: 'Create ad account' }).waitFor();
    await page.getByLabel('Ad account name').fill('Clay & Co Europe');
    await page.getByLabel('Country').selectOption('DE');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Timezone').selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Create ad account' }).click();

    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    eurAccountId = /\/accounts\/(\d+)\/campaigns/.exec(page.url())?.[1] ?? '';
    expect(eurAccountId).not.toBe('');
    await expect(page.getByText('Amounts in EUR; dates in Europe/Berlin.').isVisible()).resolves.toBe(true);
    const options = await page.getByLabel('Switch ad account').locator('option').allTextContents();
    expect(options).toEqual(['Clay & Co US · USD · Admin', 'Clay & Co Europe · EUR · Admin', '+ Create ad account…']);
  });

  it('launches a campaign through the wizard: objective, budget with its worst case, targeting with a live audience size, creative with a preview', async () => {
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'Step 1 of 5: Objective' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByText('Choose what the campaign should achieve.').isVisible()).resolves.toBe(true);
    await page.getByLabel(/^Awareness/).check();
    await page.getByLabel('Campaign name').fill(campaignName);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Step 2 of 5: Budget and schedule' }).waitFor();
    await page.getByLabel(/^Daily budget \(/).fill('50');
    // A bid of its own: automatic bidding bids the floor and wins only unopposed inventory, and Germany has competitors.
    await page.getByLabel('Maximum bid', { exact: true }).check();
    await page.getByLabel('Maximum bid per 1,000 impressions (EUR)').fill('40');
    // Spent as fast as it wins, so the campaign shows results whatever the hour (standard pacing would hold a new ad group back).
    await page.getByLabel('Accelerated: as fast as it wins').check();
    const worstCase = page.getByRole('group', { name: 'Worst-case spend' });
    await worstCase.getByText('€1,550.00').waitFor();
    await expect(worstCase.getByRole('definition').allTextContents()).resolves.toEqual(['€50.00', '€1,550.00']);
    await screenshot(page, '03-wizard-budget');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Step 3 of 5: Targeting' }).waitFor();
    await page.getByLabel('Germany').check();
    await page.getByLabel('Home decor').check();
    await page.getByLabel('25-34').check();
    // Germany (16M) × home decor (35%) × 25-34 (26%) × seen on some placement (99.46%) ≈ 1.45M, ±15% rounded
    // outward (docs/api.md): the API's estimate for exactly this targeting, not a stale or made-up number.
    await page.getByRole('complementary', { name: 'Estimated audience' }).getByText('1.2M – 1.7M people a month').waitFor();
    await screenshot(page, '04-wizard-targeting');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Step 4 of 5: Creative' }).waitFor();
    await page.getByLabel('Image URL').fill('https://images.example.com/mug.svg');
    await page.getByLabel('Title').fill('Handmade spring mugs');
    await page.getByLabel('Description').fill('Stoneware mugs glazed by hand, in six spring colours.');
    await page.getByLabel('Destination link').fill(destination);
    await page.getByRole('img', { name: 'Handmade spring mugs' }).waitFor();
    await screenshot(page, '05-wizard-creative');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Step 5 of 5: Review and launch' }).waitFor();
    await expect(page.getByText('€50.00 per day').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Accelerated', { exact: true }).isVisible()).resolves.toBe(true);
    await screenshot(page, '06-wizard-review');
    await page.getByRole('button', { name: 'Launch campaign' }).click();

    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    const campaigns = await apiGet<{ items: { id: string; name: string; status: string }[] }>(`/v5/ad_accounts/${eurAccountId}/campaigns`);
    expect(campaigns.items.map((c) => [c.name, c.status])).toEqual([[campaignName, 'ACTIVE']]);
    const ads = await apiGet<{ items: { destination_url: string; status: string }[] }>(`/v5/ad_accounts/${eurAccountId}/ads`);
    expect(ads.items.map((a) => [a.destination_url, a.status])).toEqual([[destination, 'ACTIVE']]);
  });

  it('after simulated traffic in Germany, shows non-zero spend and a ROAS on the overview, as the analytics API answers them', async () => {
    // The live simulator (apps/api/src/cli/simulate.ts) as the advertiser's market: German people only, the curves pinned
    // to a Berlin Sunday evening (so the volume does not depend on the hour the test runs), every propensity boosted and
    // conversions compressed to seconds. Conversions go through the conversions API with this advertiser's login, carrying
    // the click's epik, so they are attributed to the campaign's clicks.
    let conversionsSent = 0;
    for (let round = 0; round < 4 && conversionsSent < 3; round++) {
      const out = await runApiCli(
        'simulate',
        ['--base-url', api.url, '--rate', '12', '--duration', '3', '--seed', String(310 + round), '--population', '400', '--country', 'DE',
          '--model-time', '2026-12-06T19:00:00Z', '--boost', '100', '--conversion-delay-scale', '0.0003', '--max-conversion-delay', '2',
          '--summary-every', '0', '--login', `${email}:${password}`],
        env,
      );
      expect(out).toMatch(/errors: none$/m);
      conversionsSent += Number(/conversions sent (\d+)/.exec(out)?.[1] ?? 0);
    }
    expect(conversionsSent).toBeGreaterThan(0);

    // The overview's default range: the last 30 days in the account's timezone.
    const today = todayIn('Europe/Berlin');
    const query = new URLSearchParams({
      start_date: addDays(today, -29),
      end_date: today,
      granularity: 'TOTAL',
      columns: 'SPEND_IN_MICRO_DOLLAR,IMPRESSION_1,TOTAL_CONVERSIONS,TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
    });
    const totals = async () => {
      const rows = await apiGet<AnalyticsRow[]>(`/v5/ad_accounts/${eurAccountId}/analytics?${query}`);
      const sum = (column: string) => rows.reduce((total, row) => total + BigInt(Number(row[column] ?? 0)), 0n);
      return { spend: sum('SPEND_IN_MICRO_DOLLAR'), impressions: sum('IMPRESSION_1'), conversions: sum('TOTAL_CONVERSIONS'), value: sum('TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR') };
    };
    // Until the worker has ingested and rolled up every conversion the simulator sent, and the figures hold still.
    // (A conversion is counted before its value is rolled up with it, for a moment: three equal answers a second apart.)
    const text = (t: object) => JSON.stringify(t, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    let settled = await totals();
    let unchanged = 0;
    const deadline = Date.now() + 60_000;
    while (unchanged < 2) {
      if (Date.now() > deadline) throw new Error(`the analytics API never settled on the ${conversionsSent} conversions sent: ${text(settled)}; worker: ${worker.stderr()}`);
      await new Promise((r) => setTimeout(r, 1_000));
      const now = await totals();
      unchanged = now.conversions === BigInt(conversionsSent) && now.spend > 0n && text(now) === text(settled) ? unchanged + 1 : 0;
      settled = now;
    }
    expect(settled.value).toBeGreaterThan(0n);

    const overviewRequest = page.waitForRequest((r) => r.url().includes(`/v5/ad_accounts/${eurAccountId}/analytics?`) && r.url().includes('granularity=TOTAL'));
    await page.getByRole('link', { name: 'Overview' }).click();
    const asked = new URL((await overviewRequest).url()).searchParams;
    expect([asked.get('start_date'), asked.get('end_date')]).toEqual([query.get('start_date'), query.get('end_date')]);
    const card = (kpi: string) => page.locator(`[data-kpi="${kpi}"] .kpi__value`);
    await card('spend').waitFor();
    const spendShown = await card('spend').innerText();
    const roasShown = await card('roas').innerText();
    expect(spendShown).toBe(formatMoney(settled.spend, 'EUR'));
    expect(spendShown).not.toBe(formatMoney(0n, 'EUR'));
    expect(roasShown).toBe(`${formatRatio(roas(measures({ spendMicros: settled.spend, conversionValueMicros: { all: settled.value } })), 'en-US', 2)}×`);
    expect(roasShown).not.toBe('—');
    await expect(card('impressions').innerText()).resolves.toBe(new Intl.NumberFormat('en-US').format(settled.impressions));
    await expect(card('conversions').innerText()).resolves.toBe(String(conversionsSent));
    await page.getByRole('heading', { name: 'Revenue by quarter' }).waitFor();
    await screenshot(page, '06b-overview-after-traffic');

    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  });

  it('shows the launched campaign in the grid and pauses it inline', async () => {
    const row = page.getByRole('row').filter({ hasText: campaignName });
    await row.waitFor();
    await expect(row.getByText('Running').isVisible()).resolves.toBe(true);
    await screenshot(page, '07-campaigns-grid');

    await row.getByRole('button', { name: `Pause ${campaignName}` }).click();
    await page.getByText('Paused 1 campaign.').waitFor();
    await row.getByText('Paused').waitFor();
    const campaigns = await apiGet<{ items: { status: string }[] }>(`/v5/ad_accounts/${eurAccountId}/campaigns`);
    expect(campaigns.items.map((c) => c.status)).toEqual(['PAUSED']);
    await screenshot(page, '08-campaign-paused');
  });

  it('drills down by keyboard to the ad group, shows a budget the API refuses under its field, saves a valid one, and opens the ads', async () => {
    // The grid moves focus cell by cell; Enter on the name cell follows its link.
    await page.getByRole('gridcell', { name: campaignName, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: campaignName }).waitFor();

    // Budget edit: the API's verdict appears under the field it concerns.
    const adGroupName = `${campaignName} · ad group`;
    await page.getByRole('button', { name: `Edit budget of ${adGroupName}` }).click();
    const form = page.getByRole('form', { name: `Budget of ${adGroupName}` });
    const budget = form.getByLabel('Daily budget (€)');
    await expect(budget.inputValue()).resolves.toBe('50.00');
    await budget.fill('20000000');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText(/^Must be at most 10,000,000 units/).waitFor();
    await expect(budget.getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, '09-budget-edit-error');
    await budget.fill('60');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row').filter({ hasText: adGroupName }).getByText('€60.00 / day').waitFor();

    await page.getByRole('link', { name: adGroupName, exact: true }).click();
    await page.getByRole('row').filter({ hasText: destination }).waitFor();
    await screenshot(page, '10-ads');

    await page.getByRole('link', { name: 'Why isn’t it delivering?' }).click();
    await page.getByRole('heading', { name: 'What to do' }).waitFor();
    await screenshot(page, '10-delivery');
  });

  it('shows settings with the member list and the account currency, and is readable on a phone', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Members and roles' }).waitFor();
    await page.getByRole('cell', { name: new RegExp(email) }).waitFor();
    await screenshot(page, '11-settings');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('row').filter({ hasText: campaignName }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '12-campaigns-phone');

    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'Step 1 of 5: Objective' }).waitFor();
    const wizardOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wizardOverflow).toBeLessThanOrEqual(0);
    await screenshot(page, '12-wizard-phone');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Revenue by quarter' }).waitFor();
    await page.getByRole('list', { name: 'Key figures' }).or(page.getByRole('heading', { name: 'No delivery in this period' })).waitFor();
    const overviewOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overviewOverflow).toBeLessThanOrEqual(0);
    await screenshot(page, '12-overview-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out, is sent to sign-in from a protected screen, and signs back in to where it was going', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.goto(`${api.url}/accounts/${eurAccountId}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await screenshot(page, '13-sign-in-error');

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/accounts/${eurAccountId}/settings`);
  });
});
