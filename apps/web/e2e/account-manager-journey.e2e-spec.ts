import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount } from '../src/lib/format';
import { formatMoney } from '../src/lib/money';
import { launchChromium, screenshot } from './support/browser';
import { buildWebApp, runApiCli, startApi, startWorker, workspaceRoot, type RunningApi, type RunningWorker } from './support/server';

/**
 * The agency's account manager in a real browser against the real API, worker and
 * services. The demo marketplace is loaded through the API (apps/api/src/cli/demo-seed.ts)
 * and traffic comes from the live simulator (apps/api/src/cli/simulate.ts) through serve,
 * tracking and conversions, ingested and rolled up by the worker: nothing is written to
 * ClickHouse behind the pipeline's back. The manager builds a report across two client
 * accounts in different currencies, saves and shares it, exports it as CSV (async reports
 * built by the worker) and the downloaded files' totals equal the grid's totals rows.
 */
describe('account manager journey in Chromium', () => {
  const webDist = resolve(workspaceRoot, `tmp/e2e-web-am-${process.pid}`);
  const reportsDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-reports-'));
  const env = { REPORTS_DIR: reportsDir };
  let api: RunningApi;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;
  // The demo's agency login (apps/api/src/cli/demo-seed.ts: agency@loupe.dev with the demo password).
  const email = 'agency@loupe.dev';
  let password = '';
  let token = '';
  const reportName = `Clients by day ${randomUUID().slice(0, 8)}`;
  let clients: { id: string; name: string; currency: string }[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  const utcDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  // Two days back to tomorrow in UTC: today's traffic in every client's timezone (Sydney's "today" is UTC's tomorrow).
  const range = { start: utcDay(-2), end: utcDay(1) };

  type Totals = { currency: string; ad_account_ids: string[]; metrics: Record<string, number | null> };
  async function totalsOf(accountIds: string[]): Promise<Totals[]> {
    const body = await call<{ totals: Totals[] }>('POST', '/v5/reports/query', {
      ad_account_ids: accountIds,
      start_date: range.start,
      end_date: range.end,
      dimensions: ['ad_account'],
      metrics: ['impressions', 'spend', 'clicks', 'conversions'],
    });
    return body.totals;
  }

  beforeAll(async () => {
    await buildWebApp(webDist);
    api = await startApi(webDist, env);
    worker = await startWorker(env);
    const logins = await runApiCli('demo-seed', [api.url]);
    password = /agency@loupe\.dev \/ (\S+)/.exec(logins)?.[1] ?? '';
    expect(password).not.toBe('');
    token = (await call<{ access_token: string }>('POST', '/v5/auth/login', { email, password })).access_token;
    const accounts = await call<{ items: { id: string; name: string; currency: string; permissions: string[] }[] }>('GET', '/v5/ad_accounts?page_size=100');
    const agencyAccounts = accounts.items.filter((a) => a.permissions.includes('ADMIN'));

    // Traffic through the real paths, boosted so clicks and conversions show within seconds; again until two clients in
    // different currencies have delivered (the auction, not the test, decides who wins).
    for (let round = 0; round < 4; round++) {
      await runApiCli('simulate', ['--base-url', api.url, '--rate', '25', '--duration', '8', '--seed', String(700 + round), '--population', '3000', '--boost', '100', '--conversion-delay-scale', '0.0003', '--max-conversion-delay', '2', '--summary-every', '0']);
      const delivered = (await totalsOf(agencyAccounts.map((a) => a.id))).filter((t) => (t.metrics.impressions ?? 0) > 0);
      const byCurrency = new Map(delivered.map((t) => [t.currency, t.ad_account_ids[0]!]));
      if (byCurrency.size >= 2) {
        clients = [...byCurrency.values()].slice(0, 2).map((id) => agencyAccounts.find((a) => a.id === id)!);
        break;
      }
    }
    expect(clients).toHaveLength(2);
    // Wait until the pipeline has settled (conversions arrive after their clicks; rollups follow ingest), so the grid
    // and the CSV files read the same figures.
    let previous = '';
    for (let i = 0; i < 30; i++) {
      const now = JSON.stringify(await totalsOf(clients.map((c) => c.id)));
      if (now === previous) break;
      previous = now;
      await new Promise((r) => setTimeout(r, 3_000));
    }

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await api?.stop();
    rmSync(webDist, { recursive: true, force: true });
    rmSync(reportsDir, { recursive: true, force: true });
  });

  /** The grid's pinned totals rows: currency → column → the text on screen. */
  async function gridTotals(): Promise<Map<string, Record<string, string>>> {
    const totals = new Map<string, Record<string, string>>();
    // AG Grid 36 renders each pinned totals row as one row element (row-index b-0, b-1, …) holding its pinned and scrolled cells.
    const bottom = page.getByRole('region', { name: 'Report rows' });
    for (let i = 0; i < 2; i++) {
      const cell = (col: string) => bottom.locator(`.report-grid__totals[row-index="b-${i}"] [col-id="${col}"]`).first().innerText();
      const currency = (await cell('currency')).trim();
      totals.set(currency, {
        spend: (await cell('spend')).trim(),
        impressions: (await cell('impressions')).trim(),
        clicks: (await cell('clicks')).trim(),
        conversions: (await cell('conversions')).trim(),
      });
    }
    return totals;
  }

  let shownTotals = new Map<string, Record<string, string>>();

  it('signs in as the account manager and builds a report across two client accounts by day, with a totals row per currency', async () => {
    await page.goto(`${api.url}/signin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ad accounts' }).waitFor();
    await page.goto(`${api.url}/accounts/${clients[0]!.id}/overview`);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    await page.getByRole('form', { name: 'Report builder' }).waitFor();
    await screenshot(page, 'am-01-reports-default');

    const builder = page.getByRole('form', { name: 'Report builder' });
    await builder.getByLabel(`${clients[1]!.name} · ${clients[1]!.currency}`).check();
    await builder.getByLabel('Custom').check();
    await builder.getByLabel('From', { exact: true }).fill(range.start);
    await builder.getByLabel('To', { exact: true }).fill(range.end);
    await builder.getByLabel('Granularity').selectOption('date');
    await builder.getByLabel('Ad account', { exact: true }).check();
    await builder.getByRole('button', { name: 'Run report' }).click();

    const region = page.getByRole('region', { name: 'Report rows' });
    await region.locator('.report-grid__totals[row-index="b-1"]').first().waitFor();
    await page.getByText('Amounts in different currencies are never added: one totals row per currency.').waitFor();
    shownTotals = await gridTotals();
    expect([...shownTotals.keys()].sort()).toEqual(clients.map((c) => c.currency).sort());
    // The grid shows what the API summed, in each account's currency.
    const fromApi = await totalsOf(clients.map((c) => c.id));
    for (const t of fromApi) {
      expect(shownTotals.get(t.currency)).toEqual({
        spend: formatMoney(t.metrics.spend ?? 0, t.currency),
        impressions: formatCount(t.metrics.impressions ?? 0),
        clicks: formatCount(t.metrics.clicks ?? 0),
        conversions: formatCount(t.metrics.conversions ?? 0),
      });
    }
    await page.getByRole('heading', { name: 'Chart' }).scrollIntoViewIfNeeded();
    await page.locator('.report-chart .recharts-surface').first().waitFor();
    await screenshot(page, 'am-02-report-two-accounts');
  });

  it('saves the report shared with the account and opens it again after a reload', async () => {
    const form = page.getByRole('form', { name: 'Save report' });
    await form.getByLabel('Report name').fill(reportName);
    await form.getByLabel('Everyone on this ad account who can read reports').check();
    await form.getByRole('button', { name: 'Save report' }).click();
    await form.getByText(`Saved “${reportName}”.`).waitFor();
    const saved = await call<{ items: { name: string; shared_with_account: boolean; definition: { ad_account_ids: string[]; dimensions: string[] } }[] }>(
      'GET',
      `/v5/ad_accounts/${clients[0]!.id}/saved_reports`,
    );
    const ours = saved.items.find((r) => r.name === reportName);
    expect(ours).toMatchObject({ shared_with_account: true, definition: { ad_account_ids: clients.map((c) => c.id), dimensions: ['ad_account', 'date'] } });
    await screenshot(page, 'am-03-report-saved');

    await page.reload();
    await page.getByRole('button', { name: `Open ${reportName}` }).click();
    await expect(page.getByRole('form', { name: 'Report builder' }).getByLabel(`${clients[1]!.name} · ${clients[1]!.currency}`).isChecked()).resolves.toBe(true);
    await page.getByText(`Opened: ${reportName}`).waitFor();
    await page.locator('.report-grid__totals[row-index="b-1"]').first().waitFor();
    expect(await gridTotals()).toEqual(shownTotals);
  });

  it('exports the report as CSV through async report jobs with a progress bar, and the files’ totals equal the grid’s', async () => {
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await page.getByRole('progressbar').waitFor();
    await screenshot(page, 'am-04-export-progress');
    const links = page.getByRole('list', { name: 'CSV files' }).getByRole('link');
    await page.getByText('Export finished').waitFor({ timeout: 60_000 });
    await expect(links.count()).resolves.toBe(2);
    await screenshot(page, 'am-05-export-ready');

    const fromCsv = new Map<string, { spend: bigint; impressions: bigint; clicks: bigint; conversions: bigint }>();
    for (const client of clients) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download CSV · ${client.name}` }).click()]);
      const text = readFileSync(await download.path(), 'utf8');
      const currency = /^# currency: (\w+)/m.exec(text)?.[1] ?? '';
      expect(currency).toBe(client.currency);
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
      const header = lines[0]!.split(',');
      const sum = (column: string) => lines.slice(1).reduce((s, line) => s + BigInt(line.split(',')[header.indexOf(column)] || '0'), 0n);
      expect(header).toEqual(expect.arrayContaining(['SPEND_IN_MICRO_DOLLAR', 'IMPRESSION_1', 'CLICKTHROUGH_1', 'TOTAL_CONVERSIONS']));
      const previous = fromCsv.get(currency) ?? { spend: 0n, impressions: 0n, clicks: 0n, conversions: 0n };
      fromCsv.set(currency, {
        spend: previous.spend + sum('SPEND_IN_MICRO_DOLLAR'),
        impressions: previous.impressions + sum('IMPRESSION_1'),
        clicks: previous.clicks + sum('CLICKTHROUGH_1'),
        conversions: previous.conversions + sum('TOTAL_CONVERSIONS'),
      });
    }
    for (const [currency, sums] of fromCsv) {
      expect({ currency, ...shownTotals.get(currency) }).toEqual({
        currency,
        spend: formatMoney(sums.spend, currency),
        impressions: formatCount(Number(sums.impressions)),
        clicks: formatCount(Number(sums.clicks)),
        conversions: formatCount(Number(sums.conversions)),
      });
    }
    expect([...fromCsv.values()].some((s) => s.impressions > 0n)).toBe(true);
  });

  it('is readable on a phone: the page does not scroll sideways (the grid scrolls inside its frame)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    await screenshot(page, 'am-06-reports-phone');
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // What sticks out, to say what to fix when this fails (AG Grid's own scrolled contents excepted).
      const wide = [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.ag-root-wrapper'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      return { by: document.documentElement.scrollWidth - width, wide };
    });
    expect(overflow).toEqual({ by: 0, wide: [] });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
