import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { adAccountPageSchema, adPageSchema, adGroupPageSchema, campaignPageSchema, type AdAccount } from '@loupe/contracts';
import { demoMarketplace } from '@loupe/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED, DemoSeedError, describeLogins, seedDemoMarketplace, type DemoSeedResult } from '../src/cli/demo-seed';
import { DEMO_AD_ACCOUNT } from '../src/cli/seed';
import { useTestApp } from './support/test-app';

describe('demo seeding through the real management API', () => {
  const api = useTestApp();
  let baseUrl = '';
  // A domain of its own, so this test never meets another run's demo users.
  const emailDomain = `demo-${randomUUID().slice(0, 8)}.test.loupe.dev`;
  const now = () => 1_790_000_000;
  const demo = demoMarketplace(DEMO_SEED);
  const campaignsOf = (accounts: typeof demo.smb.accounts) => accounts.flatMap((a) => a.campaigns);
  const adGroupsOf = (accounts: typeof demo.smb.accounts) => campaignsOf(accounts).flatMap((c) => c.adGroups);
  const adsOf = (accounts: typeof demo.smb.accounts) => adGroupsOf(accounts).flatMap((g) => g.ads);
  const allAccounts = [...demo.smb.accounts, ...demo.agency.accounts];

  beforeAll(async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  async function signIn(email: string, password: string): Promise<string> {
    const res = await api.http().post('/v5/auth/login').send({ email, password }).expect(200);
    return `Bearer ${res.body.access_token as string}`;
  }

  async function list<T>(auth: string, path: string, parse: (body: unknown) => { items: T[] }): Promise<T[]> {
    const res = await api.http().get(path).query({ page_size: 250, entity_statuses: 'ACTIVE,PAUSED,ARCHIVED,DRAFT' }).set('Authorization', auth).expect(200);
    return parse(res.body).items;
  }

  /** Everything the demo users can see, counted through the API. */
  async function census(result: DemoSeedResult) {
    const [smb, agency, finance] = result.logins;
    const counts = { accounts: 0, campaigns: 0, adGroups: 0, ads: 0, approvedAds: 0 };
    for (const login of [smb!, agency!]) {
      const auth = await signIn(login.email, login.password);
      for (const id of login.adAccountIds) {
        counts.accounts++;
        counts.campaigns += (await list(auth, `/v5/ad_accounts/${id}/campaigns`, (b) => campaignPageSchema.parse(b))).length;
        counts.adGroups += (await list(auth, `/v5/ad_accounts/${id}/ad_groups`, (b) => adGroupPageSchema.parse(b))).length;
        const ads = await list(auth, `/v5/ad_accounts/${id}/ads`, (b) => adPageSchema.parse(b));
        counts.ads += ads.length;
        counts.approvedAds += ads.filter((a) => a.review_status === 'APPROVED' && a.status === 'ACTIVE').length;
      }
    }
    const financeAuth = await signIn(finance!.email, finance!.password);
    const financeAccounts = (await api.http().get('/v5/ad_accounts').query({ page_size: 250 }).set('Authorization', financeAuth).expect(200)).body as { items: AdAccount[] };
    return { counts, financeAccounts: adAccountPageSchema.parse(financeAccounts).items, financeAuth };
  }

  it('creates the SMB, the agency with four currencies, the finance user and every ad APPROVED; a second run creates nothing', async () => {
    const first = await seedDemoMarketplace({ baseUrl, emailDomain, now });
    const distinctLinks = (accounts: typeof allAccounts) => new Set(adsOf(accounts).map((a) => a.pin.link)).size;
    expect(first.created).toEqual({
      users: 3,
      adAccounts: 1 + demo.agency.accounts.length + 1, // the finance user's sign-up opens a workspace of its own
      campaigns: campaignsOf(allAccounts).length,
      adGroups: adGroupsOf(allAccounts).length,
      pins: distinctLinks(demo.smb.accounts) + distinctLinks(demo.agency.accounts),
      ads: adsOf(allAccounts).length,
      memberships: demo.agency.accounts.length,
    });
    expect(first.logins.map((l) => [l.role, l.email])).toEqual([
      ['SMB', `demo@${emailDomain}`],
      ['AGENCY', `agency@${emailDomain}`],
      ['FINANCE', `finance@${emailDomain}`],
    ]);

    const seen = await census(first);
    expect(seen.counts).toEqual({
      accounts: allAccounts.length,
      campaigns: campaignsOf(allAccounts).length,
      adGroups: adGroupsOf(allAccounts).length,
      ads: adsOf(allAccounts).length,
      approvedAds: adsOf(allAccounts).length,
    });

    // The SMB's account is the demo login's account of seed.ts.
    const smbAuth = await signIn(first.logins[0]!.email, first.logins[0]!.password);
    const smbAccount = (await api.http().get(`/v5/ad_accounts/${first.logins[0]!.adAccountIds[0]}`).set('Authorization', smbAuth).expect(200)).body as AdAccount;
    expect(smbAccount).toMatchObject({ name: DEMO_AD_ACCOUNT.name, currency: 'USD', timezone: DEMO_AD_ACCOUNT.timezone, permissions: ['ADMIN'] });

    // The finance user sees the agency's accounts (four currencies and zones) as FINANCE_MANAGER, and no campaigns.
    const agencyIds = first.logins[1]!.adAccountIds;
    const financeOnAgency = seen.financeAccounts.filter((a) => agencyIds.includes(a.id));
    expect(financeOnAgency.map((a) => [a.currency, a.timezone]).sort()).toEqual(demo.agency.accounts.map((a) => [a.currency, a.timezone]).sort());
    expect(financeOnAgency.every((a) => a.permissions.join() === 'FINANCE_MANAGER')).toBe(true);
    await api.http().get(`/v5/ad_accounts/${agencyIds[0]}/campaigns`).set('Authorization', seen.financeAuth).expect(403);

    // Campaigns carry history for backfills: they started in the past.
    const campaigns = await list(smbAuth, `/v5/ad_accounts/${smbAccount.id}/campaigns`, (b) => campaignPageSchema.parse(b));
    expect(campaigns.map((c) => c.start_time)).toEqual(demo.smb.accounts[0]!.campaigns.map((c) => now() - c.startDaysAgo * 86_400));

    const second = await seedDemoMarketplace({ baseUrl, emailDomain, now });
    expect(second.created).toEqual({ users: 0, adAccounts: 0, campaigns: 0, adGroups: 0, pins: 0, ads: 0, memberships: 0 });
    expect(second.logins).toEqual(first.logins);
    expect((await census(second)).counts).toEqual(seen.counts);

    const printed = describeLogins(second);
    expect(printed).toContain('already present');
    for (const login of second.logins) expect(printed).toContain(`${login.email} / ${login.password}`);
  });

  it('refuses, naming the email, when a demo user exists with another password', async () => {
    const domain = `taken-${randomUUID().slice(0, 8)}.test.loupe.dev`;
    await api
      .http()
      .post('/v5/auth/signup')
      .send({ email: `demo@${domain}`, password: 'someone else entirely', business_name: 'Squatter', ad_account: { name: 'Mine' } })
      .expect(201);
    const attempt = seedDemoMarketplace({ baseUrl, emailDomain: domain, now });
    await expect(attempt).rejects.toThrow(DemoSeedError);
    await expect(attempt).rejects.toThrow(`demo@${domain} exists but does not accept the demo password`);
  });
});
