import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser';
import { buildWebApp, startApi, startWorker, workspaceRoot, type RunningApi, type RunningWorker } from './support/server';

/**
 * Finance in a real browser against the real API, worker and services. An advertiser's
 * shop (USD, America/New_York) delivers a click-billed (CPC) ad through the real
 * pipeline: the test serves it (`POST /internal/serve`), fires its impression and click
 * URLs as a phone would, and the worker ingests the events, rolls them up and writes the spend
 * ledger. The shop's finance manager then signs in, reads billed spend, closes last
 * month and downloads the quarterly CSV, whose totals must equal the API's figures.
 */

const SERVICE_KEY = `finance-journey-service-key-${randomUUID()}`;
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const TZ = 'America/New_York';
/** The country only this test's ad group targets, so the auction serves it and nobody else's. */
const COUNTRY = 'IS';
/** Served ads, each seen and clicked: billed clicks at the auction's price, so spend is whole cents and more. */
const CLICKS = 6;

interface User {
  email: string;
  password: string;
  token: string;
  userId: string;
  adAccountId: string;
}

interface SpendJson {
  currency: string;
  timezone: string;
  periods: { period: string; status: string; billed_impressions: number; billed_clicks: number; spend_in_micro_currency: number; total_spend_in_micro_currency: number }[];
  totals: { billed_impressions: number; billed_clicks: number; spend_in_micro_currency: number; total_spend_in_micro_currency: number };
}

/** The month before `month` (YYYY-MM). */
function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** A CSV money cell ("12.345000", six places) as integer micros, with no float in between. */
function decimalToMicros(text: string): bigint {
  const match = /^(-?)(\d+)\.(\d{6})$/.exec(text);
  if (!match) throw new Error(`not a six-place decimal: ${text}`);
  const micros = BigInt(match[2]!) * 1_000_000n + BigInt(match[3]!);
  return match[1] === '-' ? -micros : micros;
}

describe('finance journey in Chromium', () => {
  const webDist = resolve(workspaceRoot, `tmp/e2e-web-finance-${process.pid}`);
  let api: RunningApi;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;
  let owner: User;
  let finance: User;
  let analyst: User;
  let campaignId = '';
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
  const lastMonth = previousMonth(thisMonth);
  const monthName = (month: string) =>
    new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
  const year = Number(thisMonth.slice(0, 4));

  async function call<T>(method: string, path: string, token: string | null, body?: unknown, expected = [200, 201]): Promise<T> {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async function signUp(label: string, account: { name: string; currency: string; timezone: string }): Promise<User> {
    const email = `${label}-${randomUUID()}@e2e.loupe.dev`;
    const password = 'correct horse battery';
    const res = await call<{ access_token: string; user_id: string; ad_account_id: string }>('POST', '/v5/auth/signup', null, {
      email,
      password,
      business_name: `${label} business`,
      ad_account: { ...account, country: 'US' },
    });
    return { email, password, token: res.access_token, userId: res.user_id, adAccountId: res.ad_account_id };
  }

  /** Serves ads to people in COUNTRY until our ad group has won CLICKS times, firing each win's impression and click as a phone. */
  async function deliver(adGroupId: string): Promise<number> {
    let delivered = 0;
    const clickUrls: string[] = [];
    const deadline = Date.now() + 90_000;
    while (delivered < CLICKS) {
      if (Date.now() > deadline) throw new Error(`only ${delivered} clicks of ad group ${adGroupId} were served within 90 s`);
      const served = await call<{ ads: { ad_group_id: string; impression_url: string; click_url: string }[] }>(
        'POST',
        '/internal/serve',
        SERVICE_KEY,
        { placement: 'BROWSE', slots: 1, user: { id: `person-${randomBytes(8).toString('hex')}`, location: COUNTRY } },
        [200],
      );
      const ad = served.ads.find((a) => a.ad_group_id === adGroupId);
      if (!ad) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const seen = await fetch(ad.impression_url, { headers: { 'user-agent': PHONE_UA } });
      expect(seen.status, await seen.text()).toBe(200);
      clickUrls.push(ad.click_url);
      delivered += 1;
    }
    // A click sooner than a person could manage after its impression is invalid traffic (CLICK_TOO_FAST, not billed).
    await new Promise((r) => setTimeout(r, 1_000));
    for (const url of clickUrls) {
      const click = await fetch(url, { headers: { 'user-agent': PHONE_UA }, redirect: 'manual' });
      expect(click.status).toBe(302);
    }
    return delivered;
  }

  const spendPath = (granularity: 'MONTH' | 'QUARTER') => `/v5/ad_accounts/${owner.adAccountId}/finance/spend?granularity=${granularity}&start=${year}-01&end=${thisMonth}`;

  beforeAll(async () => {
    await buildWebApp(webDist);
    api = await startApi(webDist, { SERVICE_KEY });
    worker = await startWorker({ SERVICE_KEY });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });

    // Seeded through the public API: the shop, its finance manager and an analyst.
    owner = await signUp('shop', { name: 'Fjord Knits', currency: 'USD', timezone: TZ });
    finance = await signUp('finance', { name: 'Finance own account', currency: 'USD', timezone: 'UTC' });
    analyst = await signUp('analyst', { name: 'Analyst own account', currency: 'USD', timezone: 'UTC' });
    await call('POST', `/v5/ad_accounts/${owner.adAccountId}/members`, owner.token, { email: finance.email, role: 'FINANCE_MANAGER' }, [201]);
    await call('POST', `/v5/ad_accounts/${owner.adAccountId}/members`, owner.token, { email: analyst.email, role: 'ANALYST' }, [201]);

    const campaigns = await call<{ items: { data?: { id: string } }[] }>('POST', `/v5/ad_accounts/${owner.adAccountId}/campaigns`, owner.token, [
      { name: 'Wool hats', objective_type: 'CONSIDERATION', status: 'ACTIVE' },
    ]);
    campaignId = campaigns.items[0]?.data?.id ?? '';
    const adGroups = await call<{ items: { data?: { id: string } }[] }>('POST', `/v5/ad_accounts/${owner.adAccountId}/ad_groups`, owner.token, [
      {
        name: 'Wool hats · Iceland',
        campaign_id: campaignId,
        status: 'ACTIVE',
        billable_event: 'CLICKTHROUGH',
        // A bid that outranks whatever else targets Iceland (an earlier run that crashed before pausing
        // its campaign), and a budget the CLICKS can never exhaust even at that price.
        budget_in_micro_currency: 500_000_000,
        bid_in_micro_currency: 20_000_000,
        // Delivered as fast as the auction allows, not spread over the day.
        pacing_delivery_type: 'ACCELERATED',
        targeting_spec: { LOCATION: [COUNTRY] },
      },
    ]);
    const adGroupId = adGroups.items[0]?.data?.id ?? '';
    expect(adGroupId, JSON.stringify(adGroups)).not.toBe('');
    const pin = await call<{ id: string }>('POST', `/v5/pins?ad_account_id=${owner.adAccountId}`, owner.token, {
      title: 'Lopi hat',
      link: 'https://knits.example.com/lopi',
      media_source: { source_type: 'image_url', url: 'https://images.example.com/lopi.jpg' },
    });
    await call('POST', `/v5/ad_accounts/${owner.adAccountId}/ads`, owner.token, [
      { ad_group_id: adGroupId, pin_id: pin.id, creative_type: 'REGULAR', destination_url: 'https://knits.example.com/lopi', status: 'ACTIVE' },
    ]);

    // Real traffic through tracking → events queue → worker (ingest, rollups, spend ledger).
    const delivered = await deliver(adGroupId);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const spend = await call<SpendJson>('GET', spendPath('QUARTER'), owner.token);
      if (spend.totals.billed_clicks === delivered && spend.totals.total_spend_in_micro_currency > 0) break;
      if (Date.now() > deadline) throw new Error(`the ledger never showed ${delivered} billed clicks: ${JSON.stringify(spend.totals)}; worker: ${worker.stderr()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 300_000);

  afterAll(async () => {
    // Leave nothing delivering in Iceland for the next run's auction.
    if (campaignId) await call('PATCH', `/v5/ad_accounts/${owner.adAccountId}/campaigns`, owner.token, [{ id: campaignId, status: 'PAUSED' }]).catch(() => undefined);
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('signs the finance manager in and shows the shop’s billed spend per month, as the API has it', async () => {
    await page.goto(`${api.url}/signin?next=${encodeURIComponent(`/accounts/${owner.adAccountId}`)}`);
    await page.getByLabel('Email').fill(finance.email);
    await page.getByLabel('Password').fill(finance.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A finance manager lands on Finance, and is offered no campaigns.
    await page.getByRole('heading', { level: 1, name: 'Finance' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/accounts/${owner.adAccountId}/finance`);
    const sections = page.getByRole('navigation', { name: 'Account sections' });
    await expect(sections.getByRole('link', { name: 'Campaigns' }).count()).resolves.toBe(0);

    const figures = await call<SpendJson>('GET', spendPath('MONTH'), finance.token);
    const table = page.getByRole('table', { name: `Billed spend by month, ${year}` });
    await table.waitFor();
    // Cents rounded half up from integer micros, as a decimal string (Intl formats strings exactly).
    const money = (micros: number) => {
      const cents = (BigInt(micros) + 5_000n) / 10_000n;
      const decimal = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(decimal as Intl.StringNumericLiteral);
    };
    const current = figures.periods.find((p) => p.period === thisMonth)!;
    await table.getByRole('row', { name: new RegExp(`^${monthName(thisMonth)} .* Open ${current.billed_impressions} ${current.billed_clicks} `) }).waitFor();
    await expect(table.locator('tfoot').textContent()).resolves.toContain(money(figures.totals.total_spend_in_micro_currency));
    await screenshot(page, 'finance-01-spend-by-month');
  });

  it('closes last month after confirming, and shows who closed it and when', async () => {
    const months = page.getByRole('table', { name: 'Months' });
    const open = months.getByRole('button', { name: `Close ${monthName(lastMonth)}` });
    await open.click();
    const dialog = page.getByRole('dialog', { name: `Close ${monthName(lastMonth)}?` });
    await dialog.waitFor();
    await dialog.getByLabel('Note (optional)').fill('Books closed by the finance journey');
    await screenshot(page, 'finance-02-close-month-dialog');
    await dialog.getByRole('button', { name: `Close ${monthName(lastMonth)}` }).click();
    await page.getByText(`${monthName(lastMonth)} is closed; its invoice is issued.`).waitFor();
    await months.getByText(/^Closed by you on /).waitFor();

    const periods = await call<{ items: { period: string; status: string; closed_by: string | null; note: string | null }[] }>(
      'GET',
      `/v5/ad_accounts/${owner.adAccountId}/finance/periods`,
      finance.token,
    );
    expect(periods.items.find((p) => p.period === lastMonth)).toMatchObject({ status: 'CLOSED', closed_by: finance.userId, note: 'Books closed by the finance journey' });
    await screenshot(page, 'finance-03-month-closed');
  });

  it('downloads the quarterly CSV, whose rows and totals equal the API’s spend figures', async () => {
    await page.getByRole('radio', { name: 'By quarter' }).check();
    await page.getByRole('table', { name: `Billed spend by quarter, ${year}` }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download quarterly CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`loupe-spend-${owner.adAccountId}-${year}-01-${thisMonth}-quarter.csv`);
    const file = readFileSync(await download.path());
    const text = file.toString('utf8');
    expect(text).toMatch(/^# /m);
    expect(text).toContain(`# timezone: ${TZ}`);
    const rows = parse(text, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];

    const figures = await call<SpendJson>('GET', spendPath('QUARTER'), finance.token);
    expect(rows.map((r) => r.Period)).toEqual(figures.periods.map((p) => p.period));
    const sum = (key: string) => rows.reduce((s, r) => s + decimalToMicros(r[key]!), 0n);
    expect(sum('Total billed')).toBe(BigInt(figures.totals.total_spend_in_micro_currency));
    expect(sum('Spend')).toBe(BigInt(figures.totals.spend_in_micro_currency));
    expect(rows.reduce((s, r) => s + Number(r['Billed impressions']), 0)).toBe(figures.totals.billed_impressions);
    expect(rows.reduce((s, r) => s + Number(r['Billed clicks']), 0)).toBe(figures.totals.billed_clicks);
    expect(figures.totals.billed_clicks).toBe(CLICKS);
    expect(figures.totals.total_spend_in_micro_currency).toBeGreaterThan(0);
    for (const [i, row] of rows.entries()) expect(decimalToMicros(row['Total billed']!)).toBe(BigInt(figures.periods[i]!.total_spend_in_micro_currency));
    await screenshot(page, 'finance-04-spend-by-quarter');
  });

  it('lists the invoices with last month issued and this month open, with their lines', async () => {
    const invoices = page.getByRole('table', { name: 'Invoices' });
    const number = `LOUPE-${owner.adAccountId}-${thisMonth.replace('-', '')}`;
    await invoices.getByRole('row', { name: new RegExp(`^${number} ${monthName(thisMonth)} Open`) }).waitFor();
    await invoices.getByRole('row', { name: new RegExp(`^LOUPE-${owner.adAccountId}-${lastMonth.replace('-', '')} ${monthName(lastMonth)} Issued`) }).waitFor();
    await invoices.getByRole('button', { name: `Show lines of ${number}` }).click();
    await page.getByRole('table', { name: `Lines of ${number}` }).getByRole('row', { name: /^Spend Wool hats / }).waitFor();
    await screenshot(page, 'finance-05-invoices');
  });

  it('is readable on a phone without horizontal scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('table', { name: 'Months' }).waitFor();
    const { overflow, culprits } = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // What sticks out, outside the tables' own scroll boxes: named in the failure message.
      const culprits = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-scroll'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`);
      return { overflow: document.documentElement.scrollWidth - width, culprits };
    });
    await screenshot(page, 'finance-06-phone');
    expect(overflow, culprits.join('; ')).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('never shows finance to an analyst of the same shop, and the API refuses it too', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const analystPage = await context.newPage();
    await analystPage.goto(`${api.url}/signin?next=${encodeURIComponent(`/accounts/${owner.adAccountId}/finance`)}`);
    await analystPage.getByLabel('Email').fill(analyst.email);
    await analystPage.getByLabel('Password').fill(analyst.password);
    await analystPage.getByRole('button', { name: 'Sign in' }).click();
    await analystPage.getByText(/does not include finance/).waitFor();
    const sections = analystPage.getByRole('navigation', { name: 'Account sections' });
    await sections.getByRole('link', { name: 'Campaigns' }).waitFor();
    await expect(sections.getByRole('link', { name: 'Finance' }).count()).resolves.toBe(0);
    await screenshot(analystPage, 'finance-07-analyst-refused');
    await context.close();
    await expect(call('GET', spendPath('QUARTER'), analyst.token, undefined, [403])).resolves.toMatchObject({ message: expect.any(String) });
  });
});
